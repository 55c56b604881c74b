package larder.cli;

/** How look-up commands print: a table for people, JSON or CSV for scripts. */
enum OutputFormat { table, json, csv }
