/* Deterministic ECDSA and BIP340/BIP341 signing on worker threads
 * (simsign.h). */
#include "proceeds/simsign.h"

#include <pthread.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>
#include <stdlib.h>
#include <string.h>

#define SIMSIGN_MAX_WORKERS 16

struct simsign {
	secp256k1_context *ctx;          /* the caller's thread */
	struct simsig_job *jobs;
	uint32_t cap;
	pthread_mutex_t mu;
	pthread_cond_t more, done_cv;
	uint32_t n, next, done;          /* queued, claimed, finished */
	bool failed, stop;
	unsigned workers;
	pthread_t th[SIMSIGN_MAX_WORKERS];
};

/* t = hash_TapTweak(x) for an x-only key, with libsecp256k1's SHA-256:
 * worker threads stay off OpenSSL's per-thread contexts (chain/hash.c
 * keeps one per thread and never frees it). */
static void tap_tweak(const secp256k1_context *ctx, uint8_t t[32], const uint8_t x[32])
{
	static const char tag[] = "TapTweak";
	int ok = secp256k1_tagged_sha256(ctx, t, (const unsigned char *)tag,
					 sizeof(tag) - 1, x, 32);
	(void)ok; /* always 1 */
}

static bool tweaked_secret(const secp256k1_context *ctx, uint8_t out[32],
			   const uint8_t sec[32])
{
	secp256k1_pubkey p;
	uint8_t ser[33], t[32];
	size_t len = 33;
	memcpy(out, sec, 32);
	if (!secp256k1_ec_pubkey_create(ctx, &p, sec))
		return false;
	secp256k1_ec_pubkey_serialize(ctx, ser, &len, &p, SECP256K1_EC_COMPRESSED);
	if (ser[0] == 0x03 && !secp256k1_ec_seckey_negate(ctx, out))
		return false;
	tap_tweak(ctx, t, ser + 1);
	return secp256k1_ec_seckey_tweak_add(ctx, out, t);
}

static bool sign_job(const secp256k1_context *ctx, struct simsig_job *j)
{
	secp256k1_ecdsa_signature sig;
	secp256k1_keypair kp;
	uint8_t tw[32];
	size_t len = sizeof(j->sig);
	bool ok;

	if (j->taproot) {
		/* No auxiliary randomness: the signature is a function of key
		 * and message (BIP340 allows it). */
		ok = tweaked_secret(ctx, tw, j->sec) &&
		     secp256k1_keypair_create(ctx, &kp, tw) &&
		     secp256k1_schnorrsig_sign32(ctx, j->sig, j->msg, &kp, NULL);
		len = 64;
	} else {
		/* libsecp256k1 always produces low-S signatures. */
		ok = secp256k1_ecdsa_sign(ctx, &sig, j->msg, j->sec, NULL, NULL) &&
		     secp256k1_ecdsa_signature_serialize_der(ctx, j->sig, &len, &sig);
	}
	j->sig_len = ok ? (uint8_t)len : 0;
	j->ok = ok;
	return ok;
}

/* Claims and signs jobs until none is left; returns when the queue is
 * drained (caller) or stop is set (worker, wait=true). */
static void drain(struct simsign *s, const secp256k1_context *ctx, bool wait)
{
	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (wait && !s->stop && s->next == s->n)
			pthread_cond_wait(&s->more, &s->mu);
		if (s->stop || s->next == s->n)
			break;
		struct simsig_job *j = &s->jobs[s->next++];
		pthread_mutex_unlock(&s->mu);
		bool ok = sign_job(ctx, j);
		pthread_mutex_lock(&s->mu);
		s->failed |= !ok;
		if (++s->done == s->n)
			pthread_cond_broadcast(&s->done_cv);
	}
	pthread_mutex_unlock(&s->mu);
}

static void *worker(void *arg)
{
	struct simsign *s = arg;
	secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
	if (ctx)
		drain(s, ctx, true);
	if (ctx)
		secp256k1_context_destroy(ctx);
	return NULL;
}

struct simsign *simsign_new(unsigned workers, uint32_t cap)
{
	struct simsign *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
	s->jobs = malloc((size_t)cap * sizeof(*s->jobs));
	s->cap = cap;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->more, NULL);
	pthread_cond_init(&s->done_cv, NULL);
	if (!s->ctx || !s->jobs) {
		simsign_free(s);
		return NULL;
	}
	if (workers > SIMSIGN_MAX_WORKERS)
		workers = SIMSIGN_MAX_WORKERS;
	for (; s->workers < workers; s->workers++) {
		if (pthread_create(&s->th[s->workers], NULL, worker, s) != 0) {
			simsign_free(s);
			return NULL;
		}
	}
	return s;
}

void simsign_free(struct simsign *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	s->stop = true;
	pthread_cond_broadcast(&s->more);
	pthread_mutex_unlock(&s->mu);
	for (unsigned i = 0; i < s->workers; i++)
		pthread_join(s->th[i], NULL);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->more);
	pthread_cond_destroy(&s->done_cv);
	if (s->ctx)
		secp256k1_context_destroy(s->ctx);
	free(s->jobs);
	free(s);
}

bool simsign_now(struct simsign *s, struct simsig_job *j)
{
	return sign_job(s->ctx, j);
}

bool simsign_push(struct simsign *s, const struct simsig_job *j, uint32_t *index)
{
	pthread_mutex_lock(&s->mu);
	bool ok = s->n < s->cap;
	if (ok) {
		s->jobs[s->n] = *j;
		s->jobs[s->n].sig_len = 0;
		*index = s->n++;
		pthread_cond_signal(&s->more);
	}
	pthread_mutex_unlock(&s->mu);
	return ok;
}

uint32_t simsign_count(const struct simsign *s)
{
	return s->n;
}

bool simsign_wait(struct simsign *s)
{
	drain(s, s->ctx, false);
	pthread_mutex_lock(&s->mu);
	while (s->done != s->n)
		pthread_cond_wait(&s->done_cv, &s->mu);
	bool ok = !s->failed;
	pthread_mutex_unlock(&s->mu);
	return ok;
}

const struct simsig_job *simsign_job(const struct simsign *s, uint32_t i)
{
	return &s->jobs[i];
}

void simsign_reset(struct simsign *s)
{
	pthread_mutex_lock(&s->mu);
	s->n = s->next = s->done = 0;
	s->failed = false;
	pthread_mutex_unlock(&s->mu);
}

bool simsign_taproot_output(struct simsign *s, uint8_t q[33], const uint8_t pub[33])
{
	secp256k1_pubkey p, tg, sum;
	const secp256k1_pubkey *both[2] = { &p, &tg };
	uint8_t even[33], t[32];
	size_t len = 33;
	memcpy(even, pub, 33);
	even[0] = 0x02; /* lift_x: the even-Y point with this x */
	tap_tweak(s->ctx, t, pub + 1);
	/* t*G by the fast generator multiplication, then one addition. */
	if (!secp256k1_ec_pubkey_parse(s->ctx, &p, even, 33) ||
	    !secp256k1_ec_pubkey_create(s->ctx, &tg, t) ||
	    !secp256k1_ec_pubkey_combine(s->ctx, &sum, both, 2))
		return false;
	secp256k1_ec_pubkey_serialize(s->ctx, q, &len, &sum, SECP256K1_EC_COMPRESSED);
	return true;
}

bool simsign_taproot_seckey(struct simsign *s, uint8_t out[32], const uint8_t sec[32])
{
	return tweaked_secret(s->ctx, out, sec);
}
