/* Disconnecting the top block of the chain index (reorgs, issue 6). The
 * tx records keep every input's resolved spent output (txnum, vout,
 * address id, value): that is the undo data, so no block needs to be
 * fetched again to remove one. */
#ifndef PROCEEDS_INDEX_UNDO_H
#define PROCEEDS_INDEX_UNDO_H

#include <stdbool.h>
#include "proceeds/index.h"

/* Commits pending blocks, then removes the tip block and everything it
 * added (txs, spent-by links, history, new addresses, block records) and
 * moves the tip to its parent, in one synced atomic write. Fails on an
 * empty index. Afterwards the index equals one that never saw the block. */
bool index_disconnect_tip(struct index *idx, const char **why)
	__attribute__((warn_unused_result));

#endif
