package watchbench;

/** What one run read of a dirsync process's memory, a few seconds after its first full pass. */
record Memory(String tree, String mode, int run, int dirs, long files, long rssKb, long hwmKb,
        long anonKb, long rssGcKb, long heapGcKb, int watches, int threads, double pass1, String load) {}
