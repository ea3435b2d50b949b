"""The registry of detectors a process runs, and the policy-variable schema they declare."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from veracity.detect.base import Detector, DetectorKind, OnlineDetector, OutputSpec


class DuplicateDetectorError(ValueError):
    pass


class DetectorRegistry:
    def __init__(self, detectors: Iterable[Detector] = ()) -> None:
        self._by_name: dict[str, Detector] = {}
        for detector in detectors:
            self.register(detector)

    def register(self, detector: Detector, *, replace: bool = False) -> None:
        """Add a detector; ``replace=True`` swaps out one of the same name (tests, plugins)."""
        if detector.name in self._by_name and not replace:
            raise DuplicateDetectorError(f"detector {detector.name!r} is already registered")
        names = [o.name for o in detector.outputs]
        if len(names) != len(set(names)):
            raise DuplicateDetectorError(f"detector {detector.name!r} repeats an output name")
        self._by_name[detector.name] = detector

    def get(self, name: str) -> Detector:
        return self._by_name[name]

    def __iter__(self) -> Iterator[Detector]:
        return iter(self._by_name.values())

    def __len__(self) -> int:
        return len(self._by_name)

    def online(self) -> list[OnlineDetector]:
        return [
            d
            for d in self._by_name.values()
            if d.kind is DetectorKind.ONLINE and isinstance(d, OnlineDetector)
        ]

    def signal_schema(self) -> dict[str, OutputSpec]:
        """``signals.<detector>.<output>`` -> spec, for every registered detector."""
        return {f"signals.{d.name}.{o.name}": o for d in self._by_name.values() for o in d.outputs}
