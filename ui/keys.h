/*
 * keys.h: every key of the wizard, as one X-macro table. The dispatcher
 * (ui.c), the footer hints and the help screen all read this table, so
 * the help can never drift from what the keys do.
 *
 * X(id, key, key2, screens, hint, help):
 *   key, key2  curses key codes or characters (key2 0: none)
 *   screens    the SCREEN_* bits where the key does this
 *   hint       short footer label, or NULL to leave it out of the footer
 *   help       one line for the help screen
 * The first entry matching a key and the current screen wins.
 */
#ifndef KEYS_H
#define KEYS_H

#define SCREEN_START	0x01u
#define SCREEN_FORM	0x02u
#define SCREEN_BOARD	0x04u
#define SCREEN_SUMMARY	0x08u
#define SCREEN_HANDOVER	0x10u
#define SCREEN_HELP	0x20u
#define SCREEN_TEXT	0x40u	/* the multi-line editor of a handover entry */
#define SCREEN_SPRINT	(SCREEN_BOARD | SCREEN_SUMMARY | SCREEN_HANDOVER)
#define SCREEN_SECRETS	0x80u	/* the secret inventory panel */
#define SCREEN_ALL	0xffu

#define KEY_ESC		27
#define KEY_CTRL(c)	((c) & 0x1f)

#define ACTION_TABLE(X)							\
	X(RESUME, '\n', KEY_ENTER, SCREEN_START,			\
	    N_("resume"), N_("Resume the selected session"))		\
	X(NEW, 'n', 0, SCREEN_START,					\
	    N_("new"), N_("Start a new session (the form)"))		\
	X(DELETE, 'd', KEY_DC, SCREEN_START,				\
	    N_("delete"), N_("Delete the selected session (asks first)")) \
	X(FIELD_NEXT, '\t', KEY_DOWN, SCREEN_FORM,			\
	    N_("next"), N_("Next field"))				\
	X(FIELD_PREV, KEY_BTAB, KEY_UP, SCREEN_FORM,			\
	    NULL, N_("Previous field"))					\
	X(FIELD_ENTER, '\n', KEY_ENTER, SCREEN_FORM,			\
	    NULL, N_("Next field; on the last one, start the sprint"))	\
	X(FIELD_TOGGLE, ' ', 0, SCREEN_FORM,				\
	    NULL, N_("Change a yes/no answer"))				\
	X(SUBMIT, KEY_F(10), 0, SCREEN_FORM,				\
	    N_("start sprint"), N_("Check the answers and start the sprint")) \
	X(UP, KEY_UP, 'k', SCREEN_START | SCREEN_BOARD | SCREEN_HANDOVER | \
	    SCREEN_SUMMARY | SCREEN_HELP | SCREEN_SECRETS,				\
	    NULL, N_("Move up"))					\
	X(DOWN, KEY_DOWN, 'j', SCREEN_START | SCREEN_BOARD |		\
	    SCREEN_HANDOVER | SCREEN_SUMMARY | SCREEN_HELP | SCREEN_SECRETS,		\
	    NULL, N_("Move down"))					\
	X(STAGE_PREV, KEY_LEFT, 0, SCREEN_BOARD,			\
	    NULL, N_("Previous stage"))					\
	X(STAGE_NEXT, KEY_RIGHT, '\t', SCREEN_BOARD,			\
	    N_("stage"), N_("Next stage (entering a stage runs its checks)")) \
	X(STAGE_1, '1', 0, SCREEN_BOARD, NULL, N_("Go to stage 1"))	\
	X(STAGE_2, '2', 0, SCREEN_BOARD, NULL, N_("Go to stage 2"))	\
	X(STAGE_3, '3', 0, SCREEN_BOARD, NULL, N_("Go to stage 3"))	\
	X(STAGE_4, '4', 0, SCREEN_BOARD, NULL, N_("Go to stage 4"))	\
	X(STAGE_5, '5', 0, SCREEN_BOARD, NULL, N_("Go to stage 5"))	\
	X(STAGE_6, '6', 0, SCREEN_BOARD, NULL, N_("Go to stage 6"))	\
	X(PAGE_UP, KEY_PPAGE, 0, SCREEN_BOARD | SCREEN_HELP |		\
	    SCREEN_SUMMARY, NULL, N_("Scroll the details up"))		\
	X(PAGE_DOWN, KEY_NPAGE, 0, SCREEN_BOARD | SCREEN_HELP |	\
	    SCREEN_SUMMARY, NULL, N_("Scroll the details down"))	\
	X(MARK, ' ', '\n', SCREEN_BOARD,				\
	    N_("done"), N_("Mark a manual item done / not done"))	\
	X(RUN_ITEM, 'r', 0, SCREEN_BOARD,				\
	    N_("re-run"), N_("Re-run the selected check"))		\
	X(RUN_STAGE, 'R', 0, SCREEN_BOARD,				\
	    NULL, N_("Re-run every check of this stage"))		\
	X(RUN_ALL, 'A', 0, SCREEN_BOARD,				\
	    NULL, N_("Re-run every check of the sprint"))		\
	X(SKIP, 's', 0, SCREEN_BOARD,					\
	    NULL, N_("Skip the item with a reason (again: un-skip)")) \
	X(OWNER, 'o', 0, SCREEN_BOARD,					\
	    NULL, N_("Set who owns the item"))			\
	X(NOTE, 'n', 0, SCREEN_BOARD,					\
	    N_("note"), N_("Write a note on the item"))			\
	X(EDIT, '\n', KEY_ENTER, SCREEN_HANDOVER,			\
	    N_("edit"), N_("Edit the selected entry"))			\
	X(ADD_ACCESS, 'a', 0, SCREEN_HANDOVER,				\
	    N_("add access"), N_("Add an access list entry"))		\
	X(DEL_ACCESS, 'x', KEY_DC, SCREEN_HANDOVER,			\
	    NULL, N_("Remove the selected access list entry"))		\
	X(DECISION, 'd', 0, SCREEN_HANDOVER,				\
	    NULL, N_("Record the launch decision: ship, with conditions, stop")) \
	X(ALERT_OWNERS, 'w', 0, SCREEN_HANDOVER,			\
	    NULL, N_("Name who owns each alert type"))			\
	X(ROLLBACK_TIME, 'm', 0, SCREEN_HANDOVER,			\
	    NULL, N_("Minutes the rehearsed rollback took"))		\
	X(INVENTORY, 'i', 0, SCREEN_HANDOVER,				\
	    NULL, N_("The secret inventory: owner and status per secret")) \
	X(SECRET_OWNER, 'o', 0, SCREEN_SECRETS,				\
	    N_("owner"), N_("Set who rotates the selected secret"))	\
	X(SECRET_ROTATED, 'r', 0, SCREEN_SECRETS,			\
	    N_("rotated"), N_("Mark the selected secret rotated today"))	\
	X(SECRET_ALLOWED, 'a', 0, SCREEN_SECRETS,			\
	    N_("allowed"), N_("Allow the selected secret, with the reason")) \
	X(SECRET_EXPOSED, 'x', 0, SCREEN_SECRETS,			\
	    NULL, N_("Mark the selected secret exposed again"))		\
	X(FINAL_QA, 'f', 0, SCREEN_HANDOVER,				\
	    N_("final QA"), N_("Run the final QA pass (every check again)")) \
	X(EXPORT, 'e', 0, SCREEN_HANDOVER,				\
	    N_("export"), N_("Export the handover as Markdown, HTML and JSON")) \
	X(SUMMARY, 'S', 0, SCREEN_BOARD | SCREEN_HANDOVER,		\
	    N_("summary"), N_("The launch-risk summary"))		\
	X(HANDOVER, 'H', 0, SCREEN_BOARD | SCREEN_SUMMARY,		\
	    N_("handover"), N_("The handover: access, deploy, rollback, export")) \
	X(BOARD, 'b', 0, SCREEN_SUMMARY | SCREEN_HANDOVER,		\
	    N_("board"), N_("Back to the sprint board"))		\
	X(TEXT_SAVE, KEY_CTRL('s'), KEY_F(10), SCREEN_TEXT,		\
	    N_("save"), N_("Save the text and go back"))		\
	X(TEXT_CANCEL, KEY_ESC, 0, SCREEN_TEXT,				\
	    N_("cancel"), N_("Go back without saving (asks if changed)")) \
	X(TEXT_SPLIT, '\n', KEY_ENTER, SCREEN_TEXT,			\
	    N_("new line"), N_("Split the line at the cursor"))		\
	X(TEXT_BACKSPACE, KEY_BACKSPACE, 0x7f, SCREEN_TEXT,		\
	    NULL, N_("Delete left (at line start: join the line above)")) \
	X(TEXT_DELETE, KEY_DC, 0, SCREEN_TEXT,				\
	    NULL, N_("Delete right (at line end: join the next line)"))	\
	X(TEXT_UP, KEY_UP, 0, SCREEN_TEXT,				\
	    NULL, N_("Line above, same column as far as it goes"))	\
	X(TEXT_DOWN, KEY_DOWN, 0, SCREEN_TEXT,				\
	    NULL, N_("Line below, same column as far as it goes"))	\
	X(TEXT_LEFT, KEY_LEFT, 0, SCREEN_TEXT,				\
	    NULL, N_("Cursor left (at the start: end of the line above)")) \
	X(TEXT_RIGHT, KEY_RIGHT, 0, SCREEN_TEXT,			\
	    NULL, N_("Cursor right (at the end: start of the next line)")) \
	X(TEXT_HOME, KEY_HOME, KEY_CTRL('a'), SCREEN_TEXT,		\
	    NULL, N_("Start of the line"))				\
	X(TEXT_END, KEY_END, KEY_CTRL('e'), SCREEN_TEXT,		\
	    NULL, N_("End of the line"))				\
	X(TEXT_KILL, KEY_CTRL('k'), 0, SCREEN_TEXT,			\
	    NULL, N_("Delete to the end of the line"))			\
	X(TEXT_CLEAR, KEY_CTRL('u'), 0, SCREEN_TEXT,			\
	    NULL, N_("Delete to the start of the line"))		\
	X(TEXT_PAGE_UP, KEY_PPAGE, 0, SCREEN_TEXT,			\
	    NULL, N_("A page of lines up"))				\
	X(TEXT_PAGE_DOWN, KEY_NPAGE, 0, SCREEN_TEXT,			\
	    NULL, N_("A page of lines down"))				\
	X(HELP_CLOSE, 'q', '?', SCREEN_HELP,				\
	    N_("close"), N_("Close the help"))				\
	X(HELP, '?', KEY_F(1), SCREEN_ALL,				\
	    N_("help"), N_("This help: every key"))			\
	X(BACK, KEY_ESC, 0, SCREEN_ALL & ~SCREEN_TEXT,			\
	    N_("back"), N_("Go back (the board goes back to the sessions)")) \
	X(QUIT, 'q', 0, SCREEN_START | SCREEN_SPRINT,			\
	    N_("quit"), N_("Quit (everything is already saved)"))	\
	X(REDRAW, KEY_CTRL('l'), 0, SCREEN_ALL,				\
	    NULL, N_("Redraw the screen"))

enum action {
#define X(id, key, key2, screens, hint, help) ACTION_##id,
	ACTION_TABLE(X)
#undef X
	ACTION_COUNT
};

struct action_def {
	enum action	 action;
	int		 key;
	int		 key2;
	unsigned	 screens;
	const char	*hint;
	const char	*help;
};

/* The table as data (ui.c). */
extern const struct action_def ui_actions[ACTION_COUNT];

#endif
