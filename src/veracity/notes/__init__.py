"""Community notes with bridging-based ranking (issue 7, docs/notes.md).

Eligible platform users write context notes on content and rate others' notes; a matrix
factorisation with rater and note intercepts and one factor (the published Community Notes
model, fitted here by alternating least squares) finds the notes that raters who usually
disagree both found helpful. Those notes are attached to their content as a label through the
decision pipeline. ``scorer`` is pure computation; ``runs`` reads and writes the store;
``integrity`` finds and discounts lockstep rater groups; ``simulate`` makes two-camp test data.
"""
