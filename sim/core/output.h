/* sim/core/output.h — a run's results directory: staged, replaced atomically, and
 * hashed.
 *
 * Staging. A run writes every file into a staging directory beside the final one,
 * ".NAME.tmp-PID-START-XXXXXX" in the same parent (PID and START, the process's
 * start time in clock ticks since boot, name the run that owns it). Only when the
 * run has ended does sim_output_finish() swap it into place (renameat2
 * RENAME_EXCHANGE where the kernel has it, else two renames), so the directory holds
 * either the previous results or the new ones, never a mix.
 *
 * What may replace what:
 *   - netsim writes the marker file SIM_OUTPUT_MARKER (".netsim-results") into every
 *     results directory it creates, and replaces only a directory that holds it (or
 *     an empty one). Any other directory is refused by sim_output_open() before the
 *     run starts: netsim never deletes what it did not write.
 *   - Previous results are replaced by a complete run (SIM_RUN_COMPLETE) or by a
 *     deliberately stopped one (SIM_RUN_STOPPED: a signal, the memory budget), whose
 *     summary.json must say so with a "stopped" key. A failed run (SIM_RUN_FAILED)
 *     never replaces anything: its staging directory is removed.
 *   - Destinations that cannot be swapped — ".", "..", the current directory or one
 *     of its ancestors, a mount point, something that is not a directory — are
 *     refused by sim_output_open(), before anything runs.
 *   - A run killed outright (SIGKILL) leaves its staging directory behind. The next
 *     sim_output_open() in the same parent removes such leftovers, and only those:
 *     a real directory (not a symbolic link) of the current user, named as above,
 *     holding the marker and an owner file (SIM_OUTPUT_OWNER) that names this
 *     machine (host name; a run in another container sharing the folder is never
 *     judged from here), whose owner is gone: the machine has rebooted since (boot
 *     id), or the PID no longer exists or now belongs to a process with another
 *     start time.
 *
 * The trace hash is SHA-256 over the run's outputs in a fixed order: every *.tsv
 * file, then every *.pcap file, then any other file, each group sorted by relative
 * path (bytewise), and finally summary.json in its hashable form (without wall-clock
 * fields, supplied by the caller). Each file contributes its relative path, a NUL,
 * its size in decimal, a NUL and its bytes. The plots/ folder is derived and skipped,
 * and so are the marker and the owner file.
 */
#ifndef SIM_CORE_OUTPUT_H
#define SIM_CORE_OUTPUT_H

#include <glib.h>
#include <stddef.h>
#include <sys/types.h>

/* The file that marks a directory as netsim's results (empty of meaning otherwise). */
#define SIM_OUTPUT_MARKER ".netsim-results"
/* The file in a staging directory that names the machine of the run owning it
 * (sim_output_owner_text()); removed before the directory becomes the results. */
#define SIM_OUTPUT_OWNER ".netsim-owner"

/* How a run ended, which decides whether its results replace the previous ones. */
enum sim_run_outcome {
	SIM_RUN_COMPLETE, /* reached its end: replaces the previous results */
	SIM_RUN_STOPPED,  /* stopped on purpose (SIGINT, SIGTERM, the memory budget), its
	                   * summary.json carrying "stopped": replaces them too */
	SIM_RUN_FAILED,   /* an error: the staging directory is removed, the previous
	                   * results stay as they were */
};

struct sim_output {
	char *final_dir; /* where the results end up */
	char *work_dir;  /* staging directory, NULL once committed or discarded */
};

/* Checks the destination `dir` and prepares the staging directory for results that
 * will end up there (creating dir's parents), after removing stale staging
 * directories in the parent (see above). Fails, having created nothing, when dir
 * cannot be replaced: not a directory, not empty and without the marker, ".", "..",
 * the current directory or an ancestor of it, a mount point. The staging directory
 * holds the marker from the start. */
int sim_output_open(struct sim_output *out, const char *dir, GError **error);

/* Path of `name` inside the staging directory (g_free it). */
char *sim_output_path(const struct sim_output *out, const char *name);

/* Writes `len` bytes of `data` into the staging directory's file `name`. Returns 0,
 * or -1 with *error naming the file where it will end up ("out/summary.json: File
 * too large") when writing or closing it failed. */
int sim_output_write(const struct sim_output *out, const char *name, const void *data,
		     size_t len, GError **error);

/* Rewrites a message that names a file in the staging directory to name it where
 * the results go (".out.tmp-1-2-AbC123/flow1.sender.tsv" → "out/flow1.sender.tsv"),
 * which is the name the user knows. NULL allowed. */
void sim_output_name_final(const struct sim_output *out, GError *e);

/* Ends the run's output according to `outcome`. COMPLETE and STOPPED need a
 * summary.json in the staging directory (STOPPED: one whose "stopped" key holds a
 * string, the reason, not null); the
 * directory then replaces the previous results. FAILED removes the staging
 * directory. Returns 0, or -1 with *error set (the staging directory is then
 * removed and the previous results are left as they were). */
int sim_output_finish(struct sim_output *out, enum sim_run_outcome outcome, GError **error);

/* sim_output_finish(out, SIM_RUN_COMPLETE, error). */
int sim_output_commit(struct sim_output *out, GError **error);

/* Removes the staging directory and everything in it (a failed run; also safe after
 * sim_output_finish()). */
void sim_output_discard(struct sim_output *out);

/* Frees the structure's strings (after commit or discard). */
void sim_output_fini(struct sim_output *out);

/* Computes the trace hash of directory `dir` as described above. `summary` (may be
 * NULL) replaces the bytes of dir/summary.json. Writes 64 hex digits and a NUL. */
int sim_output_hash(const char *dir, const char *summary, size_t summary_len, char hex[65],
		    GError **error);

/* Start time of process `pid` in clock ticks since boot (/proc/PID/stat), or 0 when
 * unknown. With the PID it names the owner of a staging directory. */
guint64 sim_output_process_start(pid_t pid);

/* The contents of this process's owner file: "host NAME\nboot ID\n" (the host name
 * and /proc/sys/kernel/random/boot_id). g_free it. */
char *sim_output_owner_text(void);

/* Removes a directory tree (used for staging and old runs). Returns 0 or -1. */
int sim_remove_tree(const char *path);

#endif
