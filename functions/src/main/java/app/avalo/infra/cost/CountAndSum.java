package app.avalo.infra.cost;

/** A {@code count()} and {@code sum()} aggregation over some documents. */
record CountAndSum(long count, long sum) {}
