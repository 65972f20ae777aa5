/* Checking LevelDB's files directly, without LevelDB, so that damage is
 * named by file and offset (LevelDB's own status only says "Corruption:
 * block checksum mismatch"). It reads the documented on-disk formats
 * (docs/index-format.md, "Files on disk"):
 *   - table files (*.ldb, *.sst): every block (data, filter, metaindex,
 *     index) is followed by a 5-byte trailer, a compression type and the
 *     masked CRC-32C of the block and that type; a 48-byte footer holds the
 *     metaindex and index block handles and the magic number;
 *   - log files (*.log) and MANIFEST files: 32 KiB blocks of records, each
 *     with a 7-byte header (masked CRC-32C, length, type);
 *   - CURRENT names the MANIFEST, whose version edits give the live tables
 *     (with their sizes) and the live log numbers.
 * Every parser here reads untrusted bytes: bounded, never past its input,
 * and a rejection always carries a reason. */
#ifndef PROCEEDS_LDBCHECK_H
#define PROCEEDS_LDBCHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* CRC-32C (Castagnoli), extending crc by data[0..n); start from 0. Uses
 * the SSE4.2 instruction where the CPU has it. */
uint32_t ldb_crc32c(uint32_t crc, const void *data, size_t n);
/* The same, always table-driven (slicing by 8): the fallback, exported so
 * that tests check both give the same answers. */
uint32_t ldb_crc32c_portable(uint32_t crc, const void *data, size_t n);
/* LevelDB stores CRCs masked: ((crc >> 15) | (crc << 17)) + 0xa282ead8. */
uint32_t ldb_crc_mask(uint32_t crc);

/* Snappy's raw format (LevelDB's block compression type 1): a new buffer
 * (caller frees with free()) of *olen bytes in *out. The declared length is
 * refused beyond what the input could possibly expand to. */
bool ldb_snappy_uncompress(uint8_t **out, size_t *olen, const uint8_t *in,
			   size_t n, const char **why)
	__attribute__((warn_unused_result));

/* Checks a whole table file held in buf[0..len): footer, the index and
 * metaindex blocks, every block's checksum and type, and that the blocks
 * and their trailers tile the file up to the footer. True when sound
 * (*n_blocks = blocks checked); false with *bad_off the offset of the
 * first damaged block (or footer) and *why a static string. */
bool ldb_table_check(uint64_t *bad_off, uint64_t *n_blocks, const uint8_t *buf,
		     size_t len, const char **why)
	__attribute__((warn_unused_result));

/* Checks a write-ahead log (*.log) in buf[0..len): every record's
 * checksum, length and type, the fragment sequence, zero block trailers,
 * and that each record holds at least a write batch's 12-byte header.
 * A record cut short at the end of the file is what a writer killed
 * mid-write leaves, and LevelDB drops it silently; it is accepted unless
 * whole, which says the file was closed cleanly (LevelDB writes every
 * record out whole, and starts new logs and a new MANIFEST at each open),
 * so that a flipped length byte in the last record is damage too.
 * False with *bad_off the offset of the damaged record's header. */
bool ldb_log_check(uint64_t *bad_off, uint64_t *n_records, const uint8_t *buf,
		   size_t len, bool whole, const char **why)
	__attribute__((warn_unused_result));

/* The live files a MANIFEST describes. Embedded: _init/_release. */
struct ldb_live_file {
	uint64_t number;        /* the NNNNNN of NNNNNN.ldb */
	uint64_t size;          /* bytes, as recorded when it was written */
	uint32_t level;
};
struct ldb_live {
	struct ldb_live_file *files;    /* owned; sorted by number */
	size_t n, cap;
	uint64_t log_number, prev_log_number;
	uint64_t n_edits;
};
void ldb_live_init(struct ldb_live *l);
void ldb_live_release(struct ldb_live *l);

/* Checks the MANIFEST in buf[0..len) as a log file (whole as above) and
 * applies its version edits to l (which must be freshly initialised).
 * False on damage, with *bad_off the offset of the record that is damaged
 * or does not decode. */
bool ldb_manifest_parse(struct ldb_live *l, uint64_t *bad_off, const uint8_t *buf,
			size_t len, bool whole, const char **why)
	__attribute__((warn_unused_result));

/* The result of checking a database directory. */
struct ldbcheck_report {
	bool damaged;
	char file[4200];        /* when damaged: DIR/NAME of the first damaged file */
	uint64_t offset;        /* ... the offset of the damaged block or record */
	const char *why;        /* ... what is wrong (static string) */
	uint64_t tables, logs, blocks, records, bytes; /* what was checked */
};

/* Checks the LevelDB database in dir: CURRENT, the MANIFEST it names,
 * every live table (present, of the recorded size, sound) and every live
 * log. closed_cleanly: this process has just closed the database, so no
 * record may be torn (see ldb_log_check); false after a crash. Takes the database's LOCK for the duration, so the database must
 * not be open in this process (closing the LOCK file would drop
 * LevelDB's lock). True when the check ran (damage, if any, is in r);
 * false when it could not run (no database there, in use by another
 * process, unreadable), with *why a static or per-thread string. */
bool ldbcheck_dir(struct ldbcheck_report *r, const char *dir, bool closed_cleanly,
		  const char **why)
	__attribute__((warn_unused_result));

#endif
