/* MISP events (JSON): Bitcoin addresses from `btc` attributes and from the
 * btc-wallet (wallet-address), coin-address (address + symbol),
 * btc-transaction (btc-address) and cryptocurrency-transaction (address +
 * symbol) objects. Accepts {"Event": ...}, {"response": [...]}, an array
 * of those, or a bare event. Label: the event's info; source: "MISP event
 * <uuid>" and its creator org; category: the first event tag that maps
 * onto proceeds' list (e.g. misp-galaxy:ransomware=..., "scam"), else the
 * import's --category; date: the event's date. */
#ifndef PROCEEDS_TAGMISP_H
#define PROCEEDS_TAGMISP_H

#include <stdbool.h>
#include <stddef.h>
#include "proceeds/tagimport.h"

bool tagmisp_parse(struct tag_import *imp, const char *buf, size_t len,
		   const char **why) __attribute__((warn_unused_result));

#endif
