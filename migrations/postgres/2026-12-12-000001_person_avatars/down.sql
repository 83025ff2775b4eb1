DROP TABLE person_avatars;
