// Peer for `npm run bench`: the polling-loop pattern as a Coccinelle semantic patch.
// Matches `while (<mmio/pio read>(E) & C) S` and prints each match position.
@r@
identifier rd =~ "^(readb|readw|readl|readq|readb_relaxed|readw_relaxed|readl_relaxed|readq_relaxed|__raw_readb|__raw_readw|__raw_readl|__raw_readq|ioread8|ioread16|ioread32|ioread64|ioread16be|ioread32be|inb|inw|inl|inb_p|inw_p|inl_p)$";
expression E, C;
statement S;
position p;
@@
while@p (rd(E) & C) S

@script:python@
p << r.p;
@@
print("MATCH %s:%s" % (p[0].file, p[0].line))
