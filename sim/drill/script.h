/* sim/drill/script.h — a packetdrill script, parsed.
 *
 * Where it sits: lex.c turns the text into tokens, parse.c builds the structures below
 * (and py.c the code blocks' trees); run.c executes them against netsim's TCP. Nothing
 * here knows about the simulator.
 *
 * The language is packetdrill's (google/packetdrill, gtests/net/packetdrill/parser.y):
 * a header of `--name=value` options, an optional init command in backquotes, then
 * events, each a time followed by an action:
 *
 *     0 socket(..., SOCK_STREAM, IPPROTO_TCP) = 3          system call
 *    +0 < S 0:0(0) win 32792 <mss 1000,nop,wscale 7>       packet the peer injects
 *    +0 > S. 0:0(0) ack 1 <mss 1460,nop,wscale 8>          packet the stack must send
 *   +.1 `tc qdisc ...`                                     command
 *    +0 %{ assert tcpi_snd_cwnd == 10, tcpi_snd_cwnd }%    Python code (a subset)
 *
 * Times: "0.1" absolute, "+.1" relative, "*" any, "a~b" and "+a~+b" ranges (outbound
 * packets only); a system call may add "...T" (it blocks and returns at T). Sequence
 * numbers are relative to each side's initial sequence number. Times are kept in
 * nanoseconds, parsed exactly from their decimal text.
 *
 * Every node carries the line and column it came from, for FILE:LINE:COL messages.
 */
#ifndef SIM_DRILL_SCRIPT_H
#define SIM_DRILL_SCRIPT_H

#include <stdbool.h>
#include <stdint.h>

struct drill_py_block;

/* ---- expressions (system-call arguments and results) ---- */

enum drill_expr_kind {
	DRILL_EX_ELLIPSIS, /* ... */
	DRILL_EX_INT,      /* 42, 0x2a */
	DRILL_EX_WORD,     /* SOCK_STREAM, NULL: a symbol */
	DRILL_EX_STRING,   /* "text" */
	DRILL_EX_LIST,     /* [a, b] */
	DRILL_EX_STRUCT,   /* {a, b} or {name=a, name(arg)=b}: fields in order */
	DRILL_EX_OR,       /* a|b */
};

struct drill_expr;

/* One field of a {...} struct: `name` (NULL for a positional field), an optional
 * `(arg)` after the name (msg_iov(1)=...), and the value. */
struct drill_field {
	char *name;
	struct drill_expr *name_arg;
	struct drill_expr *value;
};

struct drill_expr {
	enum drill_expr_kind kind;
	int line, col;
	int64_t num;                  /* INT */
	char *text;                   /* WORD, STRING */
	struct drill_expr **items;    /* LIST */
	struct drill_field *fields;   /* STRUCT */
	int n;                        /* items or fields */
	struct drill_expr *lhs, *rhs; /* OR */
};

/* ---- packets ---- */

enum drill_tcp_optkind {
	DRILL_OPT_NOP,
	DRILL_OPT_EOL,
	DRILL_OPT_MSS,
	DRILL_OPT_WSCALE,
	DRILL_OPT_SACK_PERM,
	DRILL_OPT_SACK,
	DRILL_OPT_TIMESTAMP,
	DRILL_OPT_FASTOPEN, /* FO / FOEXP: parsed, not modelled */
	DRILL_OPT_MD5,      /* md5: parsed, not modelled */
};

#define DRILL_SACK_MAX 4

struct drill_tcp_opt {
	enum drill_tcp_optkind kind;
	uint32_t val;                     /* mss, wscale */
	uint32_t ts_val, ts_ecr;          /* TS val V ecr E */
	uint32_t sack[DRILL_SACK_MAX][2]; /* left, right (relative) */
	int n_sack;
	int len; /* bytes on the wire */
};

/* How an outbound packet's IP TOS byte is checked. */
enum drill_tos_check {
	DRILL_TOS_NONE,
	DRILL_TOS_ECN,   /* [noecn] [ect0] [ect1] [ce]: the ECN bits */
	DRILL_TOS_ECT01, /* [ect01]: ECT(0) or ECT(1) */
	DRILL_TOS_BYTE,  /* [tos 0x..]: the whole byte */
};

enum drill_proto {
	DRILL_PROTO_TCP,
	DRILL_PROTO_UDP,  /* parsed, not modelled */
	DRILL_PROTO_ICMP, /* parsed, not modelled */
};

#define DRILL_TCP_OPTS_MAX 40

struct drill_packet {
	bool outbound; /* '>' (the stack sends) or '<' (injected) */
	enum drill_proto proto;
	enum drill_tos_check tos_check;
	uint8_t tos;           /* value for the check (ECN bits or the byte) */
	uint8_t ttl;           /* 0 = unchecked / default */
	uint32_t flowlabel;    /* IPv6 only: parsed, not modelled */
	uint16_t sport, dport; /* 0 = the connection's */
	uint8_t flags;         /* TCP_FLAG_* bits (FIN 0x01 … CWR 0x80) */
	bool flag_ae;          /* 'A' (AccECN) */
	int ace;               /* 0..7 AccECN counter digit, -1 = none */
	uint32_t seq;          /* relative start */
	uint32_t len;          /* payload bytes */
	uint32_t ack;          /* relative; meaningful with TCP_FLAG_ACK */
	int32_t win;           /* -1: not given (outbound: unchecked) */
	uint16_t urg;
	bool opts_any; /* <...>: options not checked (outbound only) */
	struct drill_tcp_opt *opts;
	int n_opts;
	int opts_len;    /* bytes (a multiple of 4) */
	char *icmp_type; /* ICMP: type and code names */
	char *icmp_code;
};

/* ---- system calls ---- */

struct drill_syscall {
	char *name;
	int name_line, name_col;
	bool blocking;  /* "...T": the call blocks */
	int64_t end_ns; /* T (relative like the event's time) */
	struct drill_expr **args;
	int n_args;
	struct drill_expr *result;
	char *errno_name; /* NULL when the script names none */
	char *note;       /* "(Operation now in progress)" text, or NULL */
};

/* ---- events ---- */

enum drill_time_kind {
	DRILL_TIME_NONE,      /* init / cleanup command: no time */
	DRILL_TIME_ABS,       /* T */
	DRILL_TIME_REL,       /* +T */
	DRILL_TIME_ANY,       /* * */
	DRILL_TIME_ABS_RANGE, /* T1~T2 */
	DRILL_TIME_REL_RANGE, /* +T1~+T2 */
};

enum drill_event_kind {
	DRILL_EV_PACKET,
	DRILL_EV_SYSCALL,
	DRILL_EV_COMMAND,
	DRILL_EV_CODE,
};

struct drill_event {
	enum drill_event_kind kind;
	enum drill_time_kind time_kind;
	int64_t t_ns, t_end_ns; /* as written (relative ones unresolved) */
	int line, col;          /* of the event's time (or action) */
	struct drill_packet *pkt;
	struct drill_syscall *sc;
	char *command;               /* command text (backquotes removed) */
	struct drill_py_block *code; /* parsed code block */
	char *code_text;
};

/* ---- options and the script ---- */

struct drill_option {
	char *name;  /* "tolerance_usecs" (without the dashes) */
	char *value; /* NULL when the option has no value */
	int line, col;
};

struct drill_script {
	char *path; /* as given */
	char *dir;  /* folder of the script (for `../common/...`) */
	struct drill_option *opts;
	int n_opts;
	struct drill_event *events; /* init command first (time NONE), cleanup last */
	int n_events;
};

/* Parses `text` (the contents of `path`, which only names it in messages). Returns the
 * script, or NULL with *error set to "PATH:LINE:COL: message" (g_free it). */
struct drill_script *drill_script_parse(const char *path, const char *text, char **error);

/* Reads and parses a file. Same errors, plus "PATH: cannot read: ...". */
struct drill_script *drill_script_load(const char *path, char **error);

void drill_script_free(struct drill_script *s);

/* The value of header option `name`, or NULL (also NULL when it has no value). */
const char *drill_script_option(const struct drill_script *s, const char *name);

/* Parses a packetdrill time ("0.100", ".1", "3") into nanoseconds exactly: digits
 * beyond nanoseconds are dropped. Returns 0, or -1 for bad text. */
int drill_parse_time(const char *text, int64_t *ns);

#endif
