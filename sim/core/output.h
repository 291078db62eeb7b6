/* sim/core/output.h — a run's output directory, replaced atomically, and its hash.
 *
 * A run writes every file into a staging directory beside the final one
 * (".NAME.tmp-XXXXXX" in the same parent). Only when everything is written does
 * sim_output_commit() swap it into place (renameat2 RENAME_EXCHANGE where the
 * kernel has it, else two renames), so a failed or interrupted run never leaves a
 * mix of old and new files: the directory holds either the previous complete run or
 * the new one.
 *
 * The trace hash is SHA-256 over the run's outputs in a fixed order: every *.tsv
 * file, then every *.pcap file, then any other file, each group sorted by relative
 * path (bytewise), and finally summary.json in its hashable form (without wall-clock
 * fields, supplied by the caller). Each file contributes its relative path, a NUL,
 * its size in decimal, a NUL and its bytes. The plots/ folder is derived and skipped.
 */
#ifndef SIM_CORE_OUTPUT_H
#define SIM_CORE_OUTPUT_H

#include <glib.h>
#include <stddef.h>

struct sim_output {
	char *final_dir; /* where the results end up */
	char *work_dir;  /* staging directory, NULL once committed or discarded */
};

/* Prepares the staging directory for results that will end up in `dir`. Fails (and
 * touches nothing) if `dir` exists but is not a directory, or is a non-empty
 * directory that is not a previous netsim output (no summary.json): netsim never
 * deletes what it did not write. */
int sim_output_open(struct sim_output *out, const char *dir, GError **error);

/* Path of `name` inside the staging directory (g_free it). */
char *sim_output_path(const struct sim_output *out, const char *name);

/* Moves the staging directory into place, replacing a previous run's directory. */
int sim_output_commit(struct sim_output *out, GError **error);

/* Removes the staging directory and everything in it (on failure or interrupt). */
void sim_output_discard(struct sim_output *out);

/* Frees the structure's strings (after commit or discard). */
void sim_output_fini(struct sim_output *out);

/* Computes the trace hash of directory `dir` as described above. `summary` (may be
 * NULL) replaces the bytes of dir/summary.json. Writes 64 hex digits and a NUL. */
int sim_output_hash(const char *dir, const char *summary, size_t summary_len, char hex[65],
		    GError **error);

/* Removes a directory tree (used for staging and old runs). Returns 0 or -1. */
int sim_remove_tree(const char *path);

#endif
