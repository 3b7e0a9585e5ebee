/* speaker_main — the kvte-speaker process: flags, logging, signals, one libuv loop
 * running speaker/speaker.c. It runs IS-IS on the interfaces its configuration file
 * names, in whatever network namespace it is started in, and publishes the LSDB, its
 * routes, SIDs and adjacencies to etcd (speaker/export.c). Needs CAP_NET_RAW (AF_PACKET).
 * SIGHUP re-reads the configuration file (and the --admin-groups file) and applies it
 * live (speaker_reload); SIGUSR1 writes the LSDB to --lsdb-file.
 * Exit codes: 0 after SIGINT/SIGTERM, 1 when it cannot start (the reason is logged),
 * 2 for a usage error. docs/speaker.md ("The daemon") lists the flags. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "lib/cliopt.h"
#include "lib/log.h"
#include "lib/signals.h"
#include "lib/validate.h"
#include "speaker/speaker.h"
#include "speaker/spf.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kvte-speaker --config FILE [options]\n"
		"  -c, --config FILE        the node's JSON configuration (docs/speaker.md)\n"
		"  -e, --etcd URLS          etcd endpoints (default http://127.0.0.1:2379)\n"
		"      --no-etcd            run IS-IS only, publish nothing\n"
		"      --netns NAME         run IS-IS in network namespace NAME (/run/netns/NAME)\n"
		"                           while talking to etcd from ours (the lab uses it)\n"
		"  -r, --root PREFIX        etcd key root (default /kvte/)\n"
		"  -g, --admin-groups FILE  admin group names -> bits (schema admin-groups)\n"
		"      --lease-ttl SECONDS  lease of speakers/<node> (default 10)\n"
		"      --lsdb-file PATH     where SIGUSR1 writes this speaker's LSDB (text)\n"
		"  SPF back-off (RFC 8405), milliseconds:\n"
		"      --spf-initial-delay MS   first event after a quiet period (default 50)\n"
		"      --spf-short-delay MS     events while learning (default 200)\n"
		"      --spf-long-delay MS      events after that: IGP unstable (default 2000)\n"
		"      --spf-time-to-learn MS   how long events count as one failure (default 500)\n"
		"      --spf-holddown MS        quiet time back to the initial delay (default\n"
		"                               1500; must exceed --spf-time-to-learn)\n"
		"      --csnp-interval MS   periodic CSNP on p2p circuits (default 10000)\n"
		"  -l, --log-level LEVEL    error | warn | info (default) | debug\n"
		"  -d, --debug CATS         debug categories: adj,flood,lsp,spf,export,pkt,"
		"nlmon,etcd or all\n"
		"  -h, --help\n"
		"Signals: SIGHUP reloads --config (and --admin-groups): metrics, TE attributes,\n"
		"  SRLGs, passive, hello padding/interval/multiplier, overload, loopbacks, LSP\n"
		"  timers and interfaces added or removed apply live, adjacencies stay up; a file\n"
		"  that does not load, or that changes hostname, system ID, area, level or SRv6\n"
		"  locator (restart needed), is refused and the running configuration kept.\n"
		"  SIGUSR1 writes the LSDB to --lsdb-file. SIGINT/SIGTERM stop.\n");
}

static struct signals sigs;
static struct speaker *the_speaker;
static const char *lsdb_file;
static const char *config_path, *groups_path;

static int load_groups(const char *path, struct admin_groups *g, char *err, size_t errlen);

/* SIGUSR1: write the LSDB to --lsdb-file (through a temporary file and rename, so a
 * reader never sees half of it). */
static void on_usr1(uv_signal_t *h, int signum)
{
	char tmp[4200];
	char *text;
	FILE *f;

	if (!lsdb_file || !the_speaker) {
		log_warn("speaker", "SIGUSR1: no --lsdb-file given, nothing written");
		return;
	}
	if (!(text = speaker_lsdb_text(the_speaker, true))) {
		log_err("speaker", "SIGUSR1: out of memory");
		return;
	}
	snprintf(tmp, sizeof(tmp), "%s.tmp", lsdb_file);
	if (!(f = fopen(tmp, "w")) || fputs(text, f) < 0 || fclose(f) != 0 ||
	    rename(tmp, lsdb_file) != 0)
		log_err("speaker", "SIGUSR1: cannot write %s: %s", lsdb_file, strerror(errno));
	else
		log_info("speaker", "LSDB written to %s", lsdb_file);
	free(text);
}

/* SIGHUP: re-read the configuration (and the admin-group map it names groups from);
 * on any error the running configuration stays. */
static void on_hup(uv_signal_t *h, int signum)
{
	static struct admin_groups groups;
	char err[640];

	(void)h;
	(void)signum;
	if (!the_speaker)
		return;
	log_info("speaker", "SIGHUP: reloading %s", config_path);
	memset(&groups, 0, sizeof(groups));
	if ((groups_path && load_groups(groups_path, &groups, err, sizeof(err)) < 0) ||
	    speaker_reload(the_speaker, groups_path ? &groups : NULL, err, sizeof(err)) < 0)
		log_err("speaker", "reload failed: %s; keeping the running configuration", err);
}

static void stopped(void *arg)
{
	signals_close(&sigs);
}

static void stop(void *arg)
{
	if (the_speaker) {
		speaker_stop(the_speaker, stopped, NULL);
		the_speaker = NULL;
	}
}

static int load_groups(const char *path, struct admin_groups *g, char *err, size_t errlen)
{
	json_error_t je;
	char e[256];
	json_t *v = json_load_file(path, 0, &je);

	if (!v) {
		snprintf(err, errlen, "%s:%d:%d: %s", path, je.line, je.column, je.text);
		return -1;
	}
	int rc = validate_admin_groups(v, g, e, sizeof(e));

	json_decref(v);
	if (rc < 0) {
		snprintf(err, errlen, "%s: %s", path, e);
		return -1;
	}
	return 0;
}

/* The RFC 8405 parameters together (each flag's range is checked as it is parsed). */
static int check_spf_backoff(const struct speaker_opts *o)
{
	struct isis_spf_sched_params sp;
	char err[160];

	isis_spf_sched_params_default(&sp);
	if (o->spf_learn_ms)
		sp.time_to_learn = o->spf_learn_ms;
	if (o->spf_holddown_ms)
		sp.holddown = o->spf_holddown_ms;
	if (isis_spf_sched_params_check(&sp, err, sizeof(err)) < 0) {
		fprintf(stderr, "kvte-speaker: --spf-holddown/--spf-time-to-learn: %s\n", err);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"config", required_argument, NULL, 'c'},
		{"etcd", required_argument, NULL, 'e'},
		{"no-etcd", no_argument, NULL, 'N'},
		{"netns", required_argument, NULL, 'n'},
		{"root", required_argument, NULL, 'r'},
		{"admin-groups", required_argument, NULL, 'g'},
		{"lease-ttl", required_argument, NULL, 'T'},
		{"lsdb-file", required_argument, NULL, 'L'},
		{"spf-initial-delay", required_argument, NULL, 'S'},
		{"spf-short-delay", required_argument, NULL, 's'},
		{"spf-long-delay", required_argument, NULL, 'W'},
		{"spf-time-to-learn", required_argument, NULL, 'E'},
		{"spf-holddown", required_argument, NULL, 'H'},
		{"csnp-interval", required_argument, NULL, 'C'},
		{"log-level", required_argument, NULL, 'l'},
		{"debug", required_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct speaker_opts o = {.etcd_endpoints = "http://127.0.0.1:2379"};
	struct admin_groups groups = {0};
	bool have_groups = false;
	char err[512];
	int c, rc;

	log_init("kvte-speaker", NULL);
	while ((c = getopt_long(argc, argv, "c:e:r:g:l:d:h", longopts, NULL)) != -1) {
		uint32_t u;

		switch (c) {
		case 'c':
			o.config_path = optarg;
			break;
		case 'e':
			o.etcd_endpoints = optarg;
			break;
		case 'N':
			o.etcd_endpoints = NULL;
			break;
		case 'n':
			o.netns = optarg;
			break;
		case 'r':
			o.root = optarg;
			break;
		case 'g':
			groups_path = optarg;
			break;
		case 'T':
			if (cliopt_u32("kvte-speaker", "--lease-ttl", optarg, 2, 3600, &u) < 0)
				return 2;
			o.lease_ttl_s = u;
			break;
		case 'L':
			lsdb_file = optarg;
			break;
		case 'S':
			if (cliopt_u32("kvte-speaker", "--spf-initial-delay", optarg, 1, 60000, &u) < 0)
				return 2;
			o.spf_initial_ms = u;
			break;
		case 's':
			if (cliopt_u32("kvte-speaker", "--spf-short-delay", optarg, 1, 60000, &u) < 0)
				return 2;
			o.spf_short_ms = u;
			break;
		case 'W':
			if (cliopt_u32("kvte-speaker", "--spf-long-delay", optarg, 1, 60000, &u) < 0)
				return 2;
			o.spf_long_ms = u;
			break;
		case 'E':
			if (cliopt_u32("kvte-speaker", "--spf-time-to-learn", optarg, 1, 60000, &u) < 0)
				return 2;
			o.spf_learn_ms = u;
			break;
		case 'H':
			if (cliopt_u32("kvte-speaker", "--spf-holddown", optarg, 2, 600000, &u) < 0)
				return 2;
			o.spf_holddown_ms = u;
			break;
		case 'C':
			if (cliopt_u32("kvte-speaker", "--csnp-interval", optarg, 100, 600000, &u) < 0)
				return 2;
			o.csnp_ms = u;
			break;
		default:
			if ((rc = cliopt_common("kvte-speaker", c, optarg, usage)) != CLIOPT_MORE)
				return rc;
			break;
		}
	}
	if ((rc = cliopt_no_operands("kvte-speaker", argc, argv, optind, usage)) != 0)
		return rc;
	if (!o.config_path) {
		fprintf(stderr, "kvte-speaker: --config FILE is required\n");
		usage(stderr);
		return 2;
	}
	if (check_spf_backoff(&o) < 0)
		return 2;
	if (groups_path) {
		if (load_groups(groups_path, &groups, err, sizeof(err)) < 0) {
			log_err("speaker", "%s", err);
			return 1;
		}
		have_groups = true;
	}
	signal(SIGPIPE, SIG_IGN);
	uv_loop_t *loop = uv_default_loop();

	rc = speaker_start(loop, &o, have_groups ? &groups : NULL, &the_speaker, err, sizeof(err));
	if (rc < 0) {
		log_err("speaker", "cannot start: %s", err);
		uv_run(loop, UV_RUN_NOWAIT);
		return 1;
	}
	signals_init(&sigs, loop, "speaker", stop, NULL);
	signals_add(&sigs, SIGUSR1, on_usr1, NULL);
	config_path = o.config_path;
	signals_add(&sigs, SIGHUP, on_hup, NULL);
	uv_run(loop, UV_RUN_DEFAULT);
	uv_loop_close(loop);
	log_info("speaker", "stopped");
	return 0;
}
