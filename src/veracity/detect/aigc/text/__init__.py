"""AI-text detection without a language model: hashed character n-grams and stylometry in a
linear stage stacked under a LightGBM booster with isotonic calibration (``model``; tweet
surface features in ``tweet_features``), its online detector (``detector``), the dataset
converters (``convert``), metrics and the measured experiments (``training``).

Nothing is imported here, so ``cli`` stays cheap to import: scikit-learn loads only when a
command or the detector needs it."""
