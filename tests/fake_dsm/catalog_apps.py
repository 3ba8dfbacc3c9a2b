"""Info entries of the five productivity apps, as a 2026 DSM 7.2.2 NAS reports them.

Our own table, written from the facts in the project's DSM reference: each package's API
manifest (versions and the methods of each version, DSM 7.2.2; Chat from an older build) and
`SYNO.API.Info` answers of live 2026 NASes (newer maxima, a few newer Drive APIs).

Format of `APP_MANIFESTS` (parsed by `catalog.parse_table`): a header line
`NAME MIN-MAX [no-session]`, then one indented `VERSION: method ...` line per version the
manifest lists (a deeper-indented line continues the method list). A version inside the range
with no line has no methods (DSM answers 103 for every method there). `no-session` marks the
APIs whose manifest authLevel is 0 (callable without a DSM session). Every entry here is served
at `entry.cgi` with `requestFormat: "JSON"`; for Chat that is observed for three APIs and
INFERRED for the rest (the Chat manifest dump does not record the field).

Chat lists only the methods the simulator answers (a real NAS never answers a listed method
with HTTP 501): the manifest's other methods, and its APIs with none of them simulated, are
left out until they are simulated with the shapes the reference gives.
"""

# Note Station is listed with only the methods the simulator answers (a real DSM never
# answers a listed method with HTTP 501); the rest of its manifest (notestation.md §2:
# import/export jobs, encryption, attachments, shelves, tag edits...) is left out until a
# test needs it, and answers 103 like any method DSM does not have.
APP_MANIFESTS = """
SYNO.Chat.Admin.Setting 1-4
    1: get
    2: get
    3: get
    4: get
SYNO.Chat.Bot 1-1
    1: delete disable enable set
SYNO.Chat.Channel 1-5
    1: list view
    2: archive close list view
    3: list
    4: close get list
    5: archive close get list view
SYNO.Chat.Channel.Anonymous 1-2
    1: initiate
    2: initiate
SYNO.Chat.Channel.Hashtag 1-1
    1: list
SYNO.Chat.Channel.Member 1-1
    1: get
SYNO.Chat.Channel.Named 1-1
    1: create disjoin invite join
SYNO.Chat.Chatbot 1-1
    1: create get list set
SYNO.Chat.External 1-2 no-session
    1: chatbot incoming
    2: channel_list chatbot incoming post_list user_list
SYNO.Chat.Post 1-8
    1: create delete list pin search set unpin
    2: create delete list pin search set unpin
    3: create delete list pin search set unpin
    4: create delete list pin search set unpin
    5: create delete list pin search set unpin thread_list
    6: create delete list pin search set unpin thread_list
    7: create delete list pin search set unpin thread_list
    8: create delete list pin search set unpin thread_list
SYNO.Chat.Post.Reaction 1-1
    1: delete set
SYNO.Chat.Post.Reminder 1-1
    1: delete get list set
SYNO.Chat.Post.Schedule 1-1
    1: create delete list
SYNO.Chat.Post.Subscribe 1-2
    1: view
    2: view
SYNO.Chat.Post.Vote 1-1
    1: create get_choices vote
SYNO.Chat.User 1-2
    1: get list
    2: get list
SYNO.Chat.Webhook.Incoming 1-1
    1: create get list set
SYNO.NoteStation.Export.Notebook 1-1
    1: status
SYNO.NoteStation.FTS 1-1
    1: search
SYNO.NoteStation.Import.Enex 1-1
    1: status
SYNO.NoteStation.Import.Notebook 1-1
    1: status
SYNO.NoteStation.Info 1-3
    1: get
    2: get
    3: get
SYNO.NoteStation.Note 1-4
    1: create delete get list restore set
    2: create delete get list restore set
    3: create delete get list restore set
    4: create delete get list restore set
SYNO.NoteStation.Note.Version 1-2
    1: list restore
    2: list restore
SYNO.NoteStation.Notebook 1-2
    1: create delete get list set
    2: create delete get list set update
SYNO.NoteStation.Permission 1-1
    1: set
SYNO.NoteStation.Permission.Public 1-1
    1: delete set
SYNO.NoteStation.Permission.User 1-1
    1: delete set
SYNO.NoteStation.Setting 1-2
    1: get
    2: get
SYNO.NoteStation.Setting.Global 1-1
    1: get
SYNO.NoteStation.Shard.Link 1-1
    1: get
SYNO.NoteStation.Share.Priv 1-2
    1: list
    2: list
SYNO.NoteStation.Shortcut 1-1
    1: list
SYNO.NoteStation.Smart 1-1
    1: create get list
SYNO.NoteStation.Tag 1-2
    1: list
    2: list
SYNO.NoteStation.Todo 1-2
    1: create delete get list set
    2: create delete get list set
"""

#: maxVersion a live 2026 NAS reports above the manifest's maximum. Which methods those newer
#: versions have is not known: see `catalog.methods_of_unlisted_newer_version`.
NEWER_NAS_MAX_VERSION: dict[str, int] = {
    "SYNO.Cal.Event": 6,
    "SYNO.Cal.Todo": 6,
    "SYNO.Chat.Admin.Setting": 5,
    "SYNO.Chat.External": 3,
    "SYNO.Chat.User": 3,
    "SYNO.SynologyDrive.Files": 11,
    "SYNO.SynologyDrive.Labels": 3,
}

# --- Synology Calendar ----------------------------------------------------------------
# Only the methods the simulator answers (tests/fake_dsm/calendar.py), in the versions the
# DSM 7.2.2 manifest gives them: v5 for everything, v1 for export and import. A 2026 NAS
# reports Event and Todo up to v6 (NEWER_NAS_MAX_VERSION above).
APP_MANIFESTS += """SYNO.Cal.Cal 1-5
    1: export import
    5: create delete get list set
SYNO.Cal.Event 1-5
    5: create delete get list set set_exdate subevent_set
SYNO.Cal.Setting 1-5
    5: get set
SYNO.Cal.Timezone 1-5
    5: list
SYNO.Cal.Todo 1-5
    5: create delete get list set
"""

# --- Synology Drive -------------------------------------------------------------------
# Only the methods the simulator answers (tests/fake_dsm/drive.py), with the versions of the
# DSM 7.2.2 manifest; Files and Labels get the newer maxima above. The package has many
# more APIs (drive.md §1), including ones only a 2026 probe shows: a NAS lists them, this
# simulator does not.
APP_MANIFESTS += """SYNO.SynologyDrive.AdvanceSharing 1-1
    1: create update
SYNO.SynologyDrive.AdvanceSharing.Public 1-1 no-session
    1: auth
SYNO.SynologyDrive.Files 1-10
    10: copy create delete download get label list move search star update upload
SYNO.SynologyDrive.Info 1-2
    1: get
    2: get quota
SYNO.SynologyDrive.Labels 1-2
    1: list
    2: list
SYNO.SynologyDrive.Notifications 1-2
    1: list
    2: list
SYNO.SynologyDrive.Revisions 1-2
    1: list restore
    2: list restore
SYNO.SynologyDrive.Sharing 1-2
    1: create_link
    2: create_link
SYNO.SynologyDrive.Tasks 1-1
    1: get
SYNO.SynologyDrive.TeamFolders 1-1
    1: list
SYNO.SynologyDrive.Webhooks 1-2
    2: create delete list
"""

# Synology Contacts (contacts.md §2 versions) and WebDAV administration's transfer-log switch
# (webdav.md §2): only the methods tests/fake_dsm/contacts.py and webdav.py answer. The WebDAV
# Server package's own API and Hyper Backup's look-alike are installed by webdav.WebDavSim.
APP_MANIFESTS += """\
SYNO.Contacts.Addressbook 1-1
    1: export list
SYNO.Contacts.AdminSetting 1-1
    1: get
SYNO.Contacts.Contact 1-2
    1: create delete get list set
    2: create delete get list set
SYNO.Contacts.ExternalSource 1-1
    1: list
SYNO.Contacts.Info 1-2
    1: get
SYNO.Contacts.Label 1-2
    1: list
    2: list
SYNO.Contacts.OU 1-1
    1: list
SYNO.Core.SyslogClient.FileTransfer 1-1
    1: get set
SYNO.Backup.Storage.WebDAV.Container 1-2
    1: list
    2: list
"""
