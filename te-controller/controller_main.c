/* controller_main — the kvte-controller process: flags, logging, signals, one ctl_t.
 *
 * DESIGN §8 (HA: any number of controllers, one leader). Parses the command line
 * (--etcd, --root, --name, --log-level, --debug, --hold-down, --lease-ttl, -h; a wrong
 * flag prints the reason and the usage and exits 2), runs te-controller/ctl_etcd.c on
 * the default libuv loop, and on SIGINT/SIGTERM closes it revoking its lease so a
 * standby controller takes over at once. docs/controller.md describes the daemon. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "lib/cliopt.h"
#include "lib/log.h"
#include "lib/signals.h"
#include "te-controller/ctl_etcd.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kvte-controller --etcd URL[,URL...] [options]\n"
		"\n"
		"Computes TE paths from ted/lsp/* and config/lsps/* and writes te/paths/*,\n"
		"rib/<head>/te/*, rib/<plr>/protect/* and te/links/* as the elected leader.\n"
		"\n"
		"  --etcd URLS        etcd endpoints, comma-separated (required)\n"
		"  --root PREFIX      key root prefix (default /kvte/)\n"
		"  --name ID          instance ID in te/leader (default <host>:<pid>)\n"
		"  --log-level LVL    error, warn, info (default) or debug\n"
		"  --debug CATS       debug categories (\"ctl,etcd\" or \"all\")\n"
		"  --hold-down MS     minimum time between recomputations (default %u)\n"
		"  --lease-ttl S      leader lease TTL in seconds (default %u)\n"
		"  -h, --help         this text\n",
		CTL_DEFAULT_HOLD_DOWN_MS, CTL_DEFAULT_LEASE_TTL_S);
}

static int __attribute__((format(printf, 1, 2))) bad(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kvte-controller: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n\n");
	usage(stderr);
	return 2;
}

static int parse_uint(const char *s, unsigned min, unsigned max, unsigned *out)
{
	unsigned long long v;

	if (cliopt_parse_uint(s, min, max, &v) < 0)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

static ctl_t *g_ctl;
static struct signals sigs;

static void on_ctl_closed(void *arg)
{
	(void)arg;
	signals_close(&sigs);
}

static void stop(void *arg)
{
	(void)arg;
	if (g_ctl) {
		ctl_t *c = g_ctl;

		g_ctl = NULL;
		ctl_close(c, true, on_ctl_closed, NULL);
	}
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "etcd", required_argument, NULL, 'e' },
		{ "root", required_argument, NULL, 'r' },
		{ "name", required_argument, NULL, 'n' },
		{ "log-level", required_argument, NULL, 'l' },
		{ "debug", required_argument, NULL, 'd' },
		{ "hold-down", required_argument, NULL, 'H' },
		{ "lease-ttl", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct ctl_opts o = { 0 };
	enum log_level lvl = LOG_LVL_INFO;
	uv_loop_t *loop = uv_default_loop();
	char err[512];
	int ch;

	log_init(argv[0], NULL);
	opterr = 0;
	while ((ch = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'e': o.endpoints = optarg; break;
		case 'r': o.root = optarg; break;
		case 'n': o.id = optarg; break;
		case 'l':
			if (log_level_parse(optarg, &lvl) < 0)
				return bad("--log-level: expected error, warn, info or debug, got \"%s\"",
					   optarg);
			break;
		case 'd': log_set_debug(optarg); break;
		case 'H':
			if (parse_uint(optarg, 0, 3600000, &o.hold_down_ms) < 0)
				return bad("--hold-down: expected milliseconds 0..3600000, got \"%s\"",
					   optarg);
			if (o.hold_down_ms == 0)
				o.hold_down_ms = 1; /* 0 would mean the default */
			break;
		case 'T':
			if (parse_uint(optarg, 2, 3600, &o.lease_ttl_s) < 0)
				return bad("--lease-ttl: expected seconds 2..3600, got \"%s\"", optarg);
			break;
		case 'h': usage(stdout); return 0;
		case ':': return bad("option %s needs an argument", argv[optind - 1]);
		default: return bad("unknown option %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return bad("unexpected argument \"%s\"", argv[optind]);
	if (!o.endpoints)
		return bad("%s", "--etcd is required");
	log_set_level(lvl);
	signal(SIGPIPE, SIG_IGN);
	if (ctl_new(loop, &o, &g_ctl, err, sizeof(err)) < 0) {
		fprintf(stderr, "kvte-controller: %s\n", err);
		return 2;
	}
	signals_init(&sigs, loop, "ctl", stop, NULL);
	uv_run(loop, UV_RUN_DEFAULT);
	return uv_loop_close(loop) == 0 ? 0 : 1;
}
