/* sim/cli/sweep_exec.c — running a sweep's runs: each one `netsim run` in its own
 * process (the running binary itself, /proc/self/exe), so a run that crashes or
 * exhausts memory fails alone; N at once; the progress line. How each run ended goes
 * into the process's journal (sweep_status.c), which makes a sweep resumable.
 *
 * The parent blocks SIGCHLD, SIGINT, SIGTERM and SIGHUP and waits for them with
 * sigtimedwait(), so a finished run is noticed at once (no polling delay between
 * runs) and an interrupt stops the runs in flight cleanly: they are told to stop
 * (SIGTERM; `netsim run` then discards its unfinished directory) and leave no status,
 * so the next run of the sweep does them again. Runs are started with posix_spawn()
 * (no copy of the parent's page tables).
 */
#include <errno.h>
#include <spawn.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "sim/cli/runloop.h"
#include "sim/cli/sweep.h"

/* ---- one run in its own process -------------------------------------------------------- */

void sweep_runner_init(struct sweep_runner *rn, guint jobs)
{
	rn->exe = g_file_read_link("/proc/self/exe", NULL);
	if (!rn->exe)
		rn->exe = g_strdup("/proc/self/exe");
	rn->max_memory = runloop_default_memory_budget() / (jobs ? jobs : 1);
}

void sweep_runner_fini(struct sweep_runner *rn)
{
	g_free(rn->exe);
	rn->exe = NULL;
}

/* The command line of run r: `netsim run SCENARIO --quiet [--max-memory B] --out
 * DIR/runs/pP/sS --seed S [--until U] [--set A]...`. g_strfreev. */
static char **run_argv(const char *dir, const struct sweep_plan *plan, guint run,
		       const struct sweep_runner *rn)
{
	GPtrArray *a = g_ptr_array_new();
	char *rel = sweep_run_rel(plan, run);
	g_ptr_array_add(a, g_strdup(rn->exe));
	g_ptr_array_add(a, g_strdup("run"));
	g_ptr_array_add(a, g_strdup(plan->scenario));
	g_ptr_array_add(a, g_strdup("--quiet"));
	if (rn->max_memory) {
		g_ptr_array_add(a, g_strdup("--max-memory"));
		g_ptr_array_add(a, g_strdup_printf("%" G_GUINT64_FORMAT "B", rn->max_memory));
	}
	g_ptr_array_add(a, g_strdup("--out"));
	g_ptr_array_add(a, g_build_filename(dir, rel, NULL));
	g_ptr_array_add(a, g_strdup("--seed"));
	g_ptr_array_add(a, g_strdup_printf("%" G_GUINT64_FORMAT,
					   g_array_index(plan->seeds, guint64, run % plan->seeds->len)));
	if (plan->until) {
		g_ptr_array_add(a, g_strdup("--until"));
		g_ptr_array_add(a, g_strdup(plan->until));
	}
	GPtrArray *sets = sweep_point_sets(plan, run / plan->seeds->len);
	for (guint i = 0; i < sets->len; i++) {
		g_ptr_array_add(a, g_strdup("--set"));
		g_ptr_array_add(a, g_strdup(g_ptr_array_index(sets, i)));
	}
	g_ptr_array_unref(sets);
	g_ptr_array_add(a, NULL);
	g_free(rel);
	return (char **)g_ptr_array_free(a, FALSE);
}

/* A run in flight: its process and the memory files holding its output. */
struct child {
	pid_t pid;
	guint run;
	int out_fd, err_fd;
};

/* Starts run r with the signal mask `mask` in the child, its stdout and stderr into
 * memory files. Returns 0, or -1 with *res filled (the run failed to start). */
static int child_start(struct child *c, const char *dir, const struct sweep_plan *plan,
		       guint run, const struct sweep_runner *rn, const sigset_t *mask,
		       struct sweep_result *res)
{
	char **argv = run_argv(dir, plan, run, rn);
	c->run = run;
	c->pid = 0;
	c->out_fd = memfd_create("netsim-run-out", MFD_CLOEXEC);
	c->err_fd = memfd_create("netsim-run-err", MFD_CLOEXEC);
	int rc = c->out_fd >= 0 && c->err_fd >= 0 ? 0 : errno;
	if (rc == 0) {
		posix_spawn_file_actions_t fa;
		posix_spawnattr_t at;
		posix_spawn_file_actions_init(&fa);
		posix_spawn_file_actions_adddup2(&fa, c->out_fd, STDOUT_FILENO);
		posix_spawn_file_actions_adddup2(&fa, c->err_fd, STDERR_FILENO);
		posix_spawnattr_init(&at);
		posix_spawnattr_setsigmask(&at, mask);
		posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK);
		rc = posix_spawn(&c->pid, rn->exe, &fa, &at, argv, environ);
		posix_spawnattr_destroy(&at);
		posix_spawn_file_actions_destroy(&fa);
	}
	g_strfreev(argv);
	if (rc == 0)
		return 0;
	memset(res, 0, sizeof(*res));
	res->error = g_strdup_printf("cannot start netsim run: %s", g_strerror(rc));
	if (c->out_fd >= 0)
		close(c->out_fd);
	if (c->err_fd >= 0)
		close(c->err_fd);
	c->pid = 0;
	return -1;
}

/* The whole contents of a memory file; g_free. */
static char *slurp(int fd)
{
	GString *g = g_string_new(NULL);
	char buf[4096];
	ssize_t n;
	lseek(fd, 0, SEEK_SET);
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		g_string_append_len(g, buf, n);
	close(fd);
	return g_string_free(g, FALSE);
}

/* The first non-empty line of text, or "" (g_free). */
static char *first_line(const char *text)
{
	while (*text == '\n')
		text++;
	const char *nl = strchr(text, '\n');
	return g_strndup(text, nl ? (gsize)(nl - text) : strlen(text));
}

/* How the run that exited with wait status `st` ended. */
static void child_result(struct child *c, int st, struct sweep_result *res)
{
	char *out = slurp(c->out_fd), *err = slurp(c->err_fd);
	char *line = first_line(err);
	const char *h = strstr(out, "trace-hash: ");
	memset(res, 0, sizeof(*res));
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0 && h && strlen(h) >= 12 + 64) {
		res->ok = true;
		memcpy(res->hash, h + 12, 64);
		res->hash[64] = '\0';
	} else if (WIFEXITED(st)) {
		res->error = g_strdup_printf("exit %d: %s", WEXITSTATUS(st),
					     *line ? line : "no trace hash in its output");
	} else {
		int sig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
		res->error = g_strdup_printf("killed by signal %d (%s)%s%s", sig, g_strsignal(sig),
					     *line ? ": " : "", line);
	}
	g_free(line);
	g_free(out);
	g_free(err);
}

/* A run stopped by SIGINT, SIGTERM or SIGHUP (killed by it, or exiting 128 + it as
 * `netsim run` does when it stops) was interrupted, not failed: it leaves no status,
 * so the next run of the sweep does it again. */
static bool interrupted(int st)
{
	int sig = WIFSIGNALED(st) ? WTERMSIG(st) : WIFEXITED(st) ? WEXITSTATUS(st) - 128 : 0;
	return sig == SIGINT || sig == SIGTERM || sig == SIGHUP;
}

void sweep_run_one(const char *dir, const struct sweep_plan *plan, guint run,
		   const struct sweep_runner *rn, struct sweep_journal *journal,
		   struct sweep_result *res)
{
	sigset_t mask;
	sigprocmask(SIG_SETMASK, NULL, &mask);
	struct child c;
	int st = 0;
	if (child_start(&c, dir, plan, run, rn, &mask, res) == 0) {
		while (waitpid(c.pid, &st, 0) < 0 && errno == EINTR)
			;
		child_result(&c, st, res);
	}
	if (!interrupted(st))
		sweep_journal_record(journal, plan, run, res);
}

/* ---- progress ------------------------------------------------------------------------------ */

void sweep_progress_init(struct sweep_progress *pg, guint total, guint skipped)
{
	memset(pg, 0, sizeof(*pg));
	pg->total = total;
	pg->skipped = skipped;
	pg->start = g_get_monotonic_time();
	pg->tty = isatty(STDERR_FILENO);
}

/* "12.3 s", "4 min 05 s", "2 h 03 min" */
static void fmt_span(char *buf, size_t n, double s)
{
	char d[G_ASCII_DTOSTR_BUF_SIZE];
	if (s < 60)
		g_snprintf(buf, n, "%s s", g_ascii_formatd(d, sizeof(d), "%.1f", s));
	else if (s < 3600)
		g_snprintf(buf, n, "%d min %02d s", (int)s / 60, (int)s % 60);
	else
		g_snprintf(buf, n, "%d h %02d min", (int)s / 3600, (int)s % 3600 / 60);
}

/* A line on a terminal is redrawn at most 5 times a second; into a file or a pipe a
 * line is written every 5 s, so batch logs stay short. */
void sweep_progress_update(struct sweep_progress *pg, bool force)
{
	gint64 now = g_get_monotonic_time();
	if (!force && now - pg->last < (pg->tty ? 200000 : 5000000))
		return;
	pg->last = now;
	double el = (double)(now - pg->start) / 1e6;
	guint finished = pg->done + pg->skipped;
	char a[32], b[32] = "";
	fmt_span(a, sizeof(a), el);
	if (pg->done > 0 && finished < pg->total) {
		char eta[32];
		fmt_span(eta, sizeof(eta), el / pg->done * (pg->total - finished));
		g_snprintf(b, sizeof(b), ", ETA %s", eta);
	}
	fprintf(stderr, "%snetsim sweep: %u/%u runs, %u failed, %s elapsed%s%s",
		pg->tty ? "\r\033[K" : "", finished, pg->total, pg->failed, a, b,
		pg->tty ? "" : "\n");
	fflush(stderr);
}

void sweep_progress_end(struct sweep_progress *pg)
{
	sweep_progress_update(pg, true);
	if (pg->tty)
		fputc('\n', stderr);
}

/* ---- N at once ------------------------------------------------------------------------------ */


/* Reaps every finished child; records its status unless the sweep is stopping. */
static void reap(struct sweep_journal *journal, const struct sweep_plan *plan,
		 struct child *slots, guint jobs, guint *running, bool stopping,
		 struct sweep_progress *pg)
{
	int st;
	pid_t pid;
	while (*running > 0 && (pid = waitpid(-1, &st, WNOHANG)) > 0) {
		for (guint i = 0; i < jobs; i++) {
			if (slots[i].pid != pid)
				continue;
			struct sweep_result res;
			child_result(&slots[i], st, &res);
			slots[i].pid = 0;
			(*running)--;
			if (!stopping && !interrupted(st)) {
				sweep_journal_record(journal, plan, slots[i].run, &res);
				pg->done++;
				pg->failed += !res.ok;
			} else if (!stopping) {
				pg->done++;
				pg->failed++;
			}
			g_free(res.error);
			break;
		}
	}
}

int sweep_exec_local(const char *dir, const struct sweep_plan *plan, GArray *todo, guint jobs,
		     const struct sweep_runner *rn, struct sweep_progress *pg)
{
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, &old);
	struct child *slots = g_new0(struct child, jobs);
	struct sweep_journal *journal = sweep_journal_new(dir);
	guint next = 0, running = 0;
	int stop = 0;
	sweep_progress_update(pg, true);
	for (;;) {
		for (guint i = 0; i < jobs && !stop && next < todo->len; i++) {
			if (slots[i].pid != 0)
				continue;
			guint run = g_array_index(todo, guint, next++);
			struct sweep_result res;
			if (child_start(&slots[i], dir, plan, run, rn, &old, &res) == 0) {
				running++;
			} else {
				sweep_journal_record(journal, plan, run, &res);
				pg->done++;
				pg->failed++;
				g_free(res.error);
			}
		}
		if (running == 0)
			break;
		struct timespec ts = {1, 0};
		int sig = sigtimedwait(&set, NULL, &ts);
		if ((sig == SIGINT || sig == SIGTERM || sig == SIGHUP) && !stop) {
			stop = sig;
			for (guint i = 0; i < jobs; i++)
				if (slots[i].pid > 0)
					kill(slots[i].pid, SIGTERM);
		}
		reap(journal, plan, slots, jobs, &running, stop != 0, pg);
		sweep_progress_update(pg, false);
	}
	g_free(slots);
	sweep_journal_free(journal);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return stop;
}
