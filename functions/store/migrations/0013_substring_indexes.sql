-- N-gram text indexes for the trace explorer's substring search: `lowerUTF8(text) LIKE
-- '%needle%'` reads the rows whose text holds every 3-gram of the needle instead of scanning
-- the whole range's text. A column expression takes one text index, so these index
-- lowerUTF8(...) (which also lower-cases beyond ASCII) beside the token indexes on lower(...).
-- Rows stored before this migration are indexed by a background mutation; until it finishes,
-- the search scans their parts as before.
ALTER TABLE spans ADD INDEX IF NOT EXISTS idx_input_ngrams lowerUTF8(input_text) TYPE text(tokenizer = ngrams(3));
ALTER TABLE spans ADD INDEX IF NOT EXISTS idx_output_ngrams lowerUTF8(output_text) TYPE text(tokenizer = ngrams(3));
ALTER TABLE spans MATERIALIZE INDEX idx_input_ngrams;
ALTER TABLE spans MATERIALIZE INDEX idx_output_ngrams;
