DROP TABLE sections;
DROP TABLE articles;
DROP TABLE categories;
