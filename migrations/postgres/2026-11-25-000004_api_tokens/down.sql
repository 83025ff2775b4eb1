DROP INDEX api_tokens_subject;
DROP TABLE api_tokens;
