"""Detection of AI-generated content, in layers the leading platforms use.

Creator disclosure, cryptographic provenance (C2PA Content Credentials), other metadata (IPTC/XMP
digital source type, generator software tags), and invisible watermarks each become evidence with
its source; ``analysis.analyse_media`` combines them for one file and ``detector`` turns them into
the ``provenance`` signals that policies label or route. ``text/`` holds the learned AI-text
detector. No learned AI-image classifier ships: none was measured to beat chance on unseen data.
"""
