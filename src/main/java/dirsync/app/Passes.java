package dirsync.app;

import dirsync.sync.PassScope;
import dirsync.sync.PassSummary;

/** The passes a {@link Runner} starts, one at a time: over the whole tree, or over what the watch reported. */
interface Passes {

    PassSummary full();

    PassSummary partial(PassScope scope);
}
