/* Evidence speed: signing and verifying a package, signed-message checks,
 * canonical JSON. Prints figures for bench/RESULTS.md. */
#include "proceeds/evverify.h"
#include "proceeds/jcs.h"
#include "proceeds/msgverify.h"
#include "../tests/helper.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* 500 files of 128 KiB: a package with many proofs and freeze requests. */
static void bench_package(void)
{
	enum { FILES = 500, SIZE = 128 * 1024 };
	static const struct ev_check *const checks[] = { &ev_check_manifest };
	char dir[256], path[512];
	char *buf = malloc(SIZE);
	struct evkey k;
	const char *why, *failed;

	snprintf(dir, sizeof(dir), "%s", helper_tmpdir());
	for (int i = 0; i < FILES; i++) {
		memset(buf, 'a' + i % 26, SIZE);
		snprintf(path, sizeof(path), "%s/proof-%04d.json", dir, i);
		FILE *f = fopen(path, "wb");
		if (!f || fwrite(buf, 1, SIZE, f) != SIZE)
			abort();
		fclose(f);
	}
	if (!evkey_generate(&k, &why))
		abort();
	double t0 = now();
	if (!manifest_sign_dir(dir, &k, &why))
		abort();
	double t1 = now();
	struct ev_verify_ctx ctx;
	struct ev_findings fnd;
	ev_verify_ctx_init(&ctx, dir);
	ev_findings_init(&fnd);
	if (!ev_verify_run(&fnd, &ctx, checks, 1, &failed, &why) || fnd.n)
		abort();
	double t2 = now();
	double mib = (double)FILES * SIZE / (1 << 20);
	printf("package of %d files, %.1f MiB: sign %.3f s (%.0f MiB/s), verify %.3f s (%.0f MiB/s)\n",
	       FILES, mib, t1 - t0, mib / (t1 - t0), t2 - t1, mib / (t2 - t1));
	ev_findings_release(&fnd);
	ev_verify_ctx_release(&ctx);
	helper_rm_rf(dir);
	free(buf);
	evkey_wipe(&k);
}

static void bench_msgverify(void)
{
	enum { N = 20000 };
	struct msgverify_info info;
	const char *why;
	const char *m = "Trust no one";
	double t0 = now();
	for (int i = 0; i < N; i++)
		if (msgverify(&info, NETWORK_MAIN, "15CRxFdyRpGZLW9w8HnHvVduizdL5jKNbs",
			      "IPojfrX2dfPnH26UegfbGQQLrdK844DlHq5157/P6h57WyuS/Qsl+h/WSVGDF4MUi4rWSswW38oimDYfNNUBUOk=",
			      (const uint8_t *)m, strlen(m), &why) != MSGVERIFY_VALID)
			abort();
	double t1 = now();
	printf("verify-message: %.0f checks/s\n", N / (t1 - t0));
}

static void bench_jcs(void)
{
	enum { HOPS = 200000 };
	json_t *hops = json_array();
	for (int i = 0; i < HOPS; i++)
		json_array_append_new(hops, json_pack("{s:s, s:i, s:I, s:i, s:s}", "txid",
			"4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b",
			"vout", i % 7, "amount_sat", (json_int_t)i * 1000, "height", 800000 + i,
			"address", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"));
	json_t *doc = json_pack("{s:o, s:i}", "hops", hops, "version", 1);
	char *out;
	size_t len;
	const char *why;
	double t0 = now();
	if (!jcs_serialize(&out, &len, doc, &why))
		abort();
	double t1 = now();
	printf("jcs: %d hops, %.1f MiB canonical JSON in %.3f s (%.0f MiB/s)\n", HOPS,
	       (double)len / (1 << 20), t1 - t0, (double)len / (1 << 20) / (t1 - t0));
	free(out);
	json_decref(doc);
}

int main(void)
{
	bench_package();
	bench_msgverify();
	bench_jcs();
	return 0;
}
