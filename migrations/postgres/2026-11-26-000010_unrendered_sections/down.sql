DROP INDEX sections_unrendered;
