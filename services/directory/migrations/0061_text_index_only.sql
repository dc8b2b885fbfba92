-- The free-text search runs in the directory's own text index (issue 17:
-- services/directory/textidx.c, SQLite FTS5 with Voikko), the HSDS API's
-- search too, so PostgreSQL's full-text search of 0003 and 0042 is read by
-- nobody.  Its triggers still computed a tsvector in three languages on
-- every write of an activity or a taxonomy term and kept a trigram word
-- list: they go, with what they fed.  activity_children_touch_trigger (the
-- join tables' changes move an activity's updated_at) stays: the HSDS API's
-- modified_after and the change notifications need it.

DROP FUNCTION activity_search(text);
DROP FUNCTION search_term_tokens(text);
DROP FUNCTION search_word_tsquery_text(text, integer);

DROP TRIGGER activities_search_doc ON activities;
DROP TRIGGER activities_search_words_ins ON activities;
DROP TRIGGER activities_search_words_upd ON activities;
DROP TRIGGER organizations_name ON organizations;
DROP TRIGGER taxonomy_terms_search_words_ins ON taxonomy_terms;
DROP TRIGGER taxonomy_terms_search_words_upd ON taxonomy_terms;
DROP TRIGGER taxonomy_terms_search_doc ON taxonomy_terms;

DROP FUNCTION activities_search_doc_trigger();
DROP FUNCTION activities_search_words_trigger();
DROP FUNCTION organizations_name_trigger();
DROP FUNCTION taxonomy_terms_search_doc_trigger();
DROP FUNCTION search_words_rebuild();
DROP FUNCTION search_doc_words(tsvector);

DROP TABLE search_words;
ALTER TABLE activities DROP COLUMN search_doc;
DROP FUNCTION activity_document(activities);
ALTER TABLE taxonomy_terms DROP COLUMN search_doc;
DROP FUNCTION taxonomy_term_document(taxonomy_terms);
