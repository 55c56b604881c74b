/**
 * The table layer every source is built on: where rows come from ({@link larder.extract.table.TableInput}: a
 * delimited file or a JDBC query), how a {@link larder.extract.Column} is found in them ({@link
 * larder.extract.table.Header}), and what happens to rows that do not fit ({@link
 * larder.extract.table.BadRowCollector}). A source supplies only a {@link larder.extract.table.RowHandler}
 * that turns one row's fields into its own values.
 */
package larder.extract.table;
