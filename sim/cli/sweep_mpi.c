/* sim/cli/sweep_mpi.c — a sweep over MPI ranks (`mpirun -n N netsim sweep ...`).
 *
 * Rank 0 prepares the sweep directory and hands out runs one at a time: each other
 * rank asks for work (reporting how its last run ended), runs it as its own `netsim
 * run` process, and asks again, so fast and slow runs balance themselves. The ranks
 * write the run directories and their journals into the sweep directory (a shared
 * filesystem on a cluster); rank 0 writes the tables once every run is done, from
 * those files only, so they are the same as a local sweep's.
 *
 * MPI is initialised only when the process was started by an MPI launcher (its
 * environment says so), so a netsim built with MPI still runs anywhere without
 * mpirun. Without MPI support built in, sweep_mpi_wanted() is false.
 */
#include <stdio.h>
#include <stdlib.h>

#include "sim/cli/sweep.h"

/* Whether an MPI launcher started this process: Open MPI, MPICH/Hydra and PMIx ones
 * say so in the environment. */
static bool launched(void)
{
	return g_getenv("OMPI_COMM_WORLD_SIZE") || g_getenv("PMI_SIZE") ||
	       g_getenv("PMIX_RANK");
}

#ifdef NETSIM_HAVE_MPI
#include <mpi.h>

bool sweep_mpi_wanted(void)
{
	return launched();
}

bool sweep_mpi_missing(void)
{
	return false;
}

enum { TAG_READY = 1, TAG_WORK = 2 };
#define NO_RUN G_MAXUINT

/* A worker's report: the run it finished (NO_RUN at first) and whether it was ok. */
struct report {
	guint run;
	guint ok;
};

static void worker(const char *dir, const struct sweep_plan *plan,
		   const struct sweep_runner *rn)
{
	struct report rep = {NO_RUN, 0};
	struct sweep_journal *journal = sweep_journal_new(dir);
	for (;;) {
		MPI_Send(&rep, 2, MPI_UNSIGNED, 0, TAG_READY, MPI_COMM_WORLD);
		guint run;
		MPI_Recv(&run, 1, MPI_UNSIGNED, 0, TAG_WORK, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
		if (run == NO_RUN)
			break;
		struct sweep_result res;
		sweep_run_one(dir, plan, run, rn, journal, &res);
		rep.run = run;
		rep.ok = res.ok;
		g_free(res.error);
	}
	sweep_journal_free(journal);
}

/* Rank 0: answers every request with the next run, or with NO_RUN once there are
 * none (or the directory could not be prepared), until every worker has stopped. */
static void master(GArray *todo, int nworkers, bool give, struct sweep_progress *pg)
{
	guint next = 0;
	while (nworkers > 0) {
		struct report rep;
		MPI_Status st;
		MPI_Recv(&rep, 2, MPI_UNSIGNED, MPI_ANY_SOURCE, TAG_READY, MPI_COMM_WORLD, &st);
		if (rep.run != NO_RUN) {
			pg->done++;
			pg->failed += !rep.ok;
			sweep_progress_update(pg, false);
		}
		guint run = give && next < todo->len ? g_array_index(todo, guint, next++) : NO_RUN;
		MPI_Send(&run, 1, MPI_UNSIGNED, st.MPI_SOURCE, TAG_WORK, MPI_COMM_WORLD);
		nworkers -= run == NO_RUN;
	}
}

/* The ranks sharing this machine (Open MPI, PMIx and MPICH say how many), among
 * which its memory is shared. */
static guint local_ranks(void)
{
	static const char *const vars[] = {"OMPI_COMM_WORLD_LOCAL_SIZE", "PMIX_LOCAL_SIZE",
					   "MPI_LOCALNRANKS"};
	for (guint i = 0; i < G_N_ELEMENTS(vars); i++) {
		const char *v = g_getenv(vars[i]);
		guint64 n;
		if (v && g_ascii_string_to_unsigned(v, 10, 1, 1 << 20, &n, NULL))
			return (guint)n;
	}
	return 1;
}

int sweep_exec_mpi(const char *dir, const struct sweep_plan *plan, GArray *todo,
		   struct sweep_progress *pg, bool *is_root)
{
	int rank = 0, size = 1;
	struct sweep_runner rn;
	sweep_runner_init(&rn, local_ranks());
	if (MPI_Init(NULL, NULL) != MPI_SUCCESS) {
		fprintf(stderr, "netsim sweep: MPI_Init failed\n");
		return -1;
	}
	MPI_Comm_rank(MPI_COMM_WORLD, &rank);
	MPI_Comm_size(MPI_COMM_WORLD, &size);
	*is_root = rank == 0;
	int rc = 0;
	if (rank != 0) {
		worker(dir, plan, &rn);
	} else {
		char *err = NULL;
		bool ready = sweep_dir_prepare(dir, plan, &err) == 0;
		if (!ready) {
			fprintf(stderr, "netsim sweep: %s\n", err);
			g_free(err);
			rc = -1;
		}
		sweep_progress_update(pg, true);
		if (size == 1 && ready) /* no workers: run here, one core */
			rc = sweep_exec_local(dir, plan, todo, 1, &rn, pg) ? -1 : 0;
		else
			master(todo, size - 1, ready, pg);
	}
	MPI_Finalize();
	sweep_runner_fini(&rn);
	return rc;
}

#else /* !NETSIM_HAVE_MPI */

bool sweep_mpi_wanted(void)
{
	return false;
}

bool sweep_mpi_missing(void)
{
	return launched();
}

int sweep_exec_mpi(const char *dir, const struct sweep_plan *plan, GArray *todo,
		   struct sweep_progress *pg, bool *is_root)
{
	(void)dir, (void)plan, (void)todo, (void)pg;
	*is_root = true;
	fprintf(stderr, "netsim sweep: this netsim was built without MPI\n");
	return -1;
}

#endif
