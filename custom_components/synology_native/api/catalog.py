"""The integration's catalog of the DSM endpoints it knows, and what covers each of them.

Written from the project's DSM reference (the package manifests it records, DSM 7.2.2; Chat
from an older build): every API of the apps the integration covers, its version range, how
its parameters are encoded (``json``: every value is JSON text, ``raw``: plain strings,
webapi.md §2.2), and per version the methods it has. ``call_api`` validates against it, and
``scripts/gen_endpoints.py`` turns it into ``docs/endpoints.md``.

Table format (``SECTIONS``): a header line ``NAME MIN-MAX ENCODING``, then one indented
``VERSION: method ...`` line per version that has methods (a deeper-indented line continues
the list). A version inside the range without a line has no methods.

A newer NAS may report a higher ``maxVersion`` than recorded here; which methods those
versions have is not documented, so they are not callable through this catalog.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any


class Encoding(StrEnum):
    """How an API takes its method parameters (webapi.md §2.2)."""

    JSON = "json"
    RAW = "raw"


class CatalogSection(StrEnum):
    """The parts of DSM the catalog covers, in the order the documentation lists them."""

    AUTH = "Sign-in"
    CORE = "DSM core"
    CHAT = "Synology Chat"
    NOTESTATION = "Note Station"
    CALENDAR = "Synology Calendar"
    DRIVE = "Synology Drive"
    CONTACTS = "Synology Contacts"
    WEBDAV = "WebDAV administration"


# Which of the integration's actions covers a method is said beside call_api
# (services/call_api.py); the catalog knows the methods only. Methods that open, renew or
# end the entry's session (SIGN_IN_METHODS) are the integration's own sign-in's: call_api
# refuses them so an action cannot end or replace the entry's session.


class Refusal(StrEnum):
    """Why call_api refuses a method to everyone; the value is its translation key."""

    SECRETS = "api_hands_out_secrets"
    ACCOUNTS = "api_changes_accounts"


SECTIONS: Mapping[CatalogSection, str] = {
    CatalogSection.AUTH: """
SYNO.API.Auth 1-7 raw
    1: logout
    2: logout
    3: login logout
    4: login logout
    5: login logout session synotoken
    6: Login Logout login logout oidc reset session synotoken token
    7: login logout reset resume suspend
SYNO.API.Auth.Key 7-7 json
    7: get grant
SYNO.API.Auth.Key.Code 7-7 json
    7: get
SYNO.API.Auth.RedirectURI 1-1 json
    1: check run
SYNO.API.Auth.Type 1-1 json
    1: get
SYNO.API.Auth.UIConfig 1-1 json
    1: get
SYNO.API.Encryption 1-1 json
    1: getinfo
SYNO.API.Info 1-1 json
    1: query
SYNO.Core.Directory.OIDC.SSO 1-1 json
    1: get set
SYNO.Core.Directory.SSO 1-2 json
    1: get register set
    2: get set
SYNO.Core.Directory.SSO.CAS 1-1 json
    1: get set
SYNO.Core.Directory.SSO.IWA 1-1 json
    1: get set
SYNO.Core.Directory.SSO.Profile 1-1 json
    1: get list set
SYNO.Core.Directory.SSO.SAML 1-1 json
    1: get set
SYNO.Core.Directory.SSO.SAML.Metadata 1-1 json
    1: import
SYNO.Core.Directory.SSO.SAML.Status 1-1 json
    1: set
SYNO.Core.Directory.SSO.Setting 1-1 json
    1: get set
SYNO.Core.Directory.SSO.Status 1-1 json
    1: set
SYNO.Core.Directory.SSO.utils 1-1 json
    1: exchange
SYNO.Core.NormalUser 1-2 json
    1: get
    2: set
SYNO.Core.NormalUser.LoginNotify 1-1 json
    1: check
SYNO.Core.OAuth.Scope 1-1 json
    1: delete get set
SYNO.Core.OAuth.Server 1-1 json
    1: delete get set
SYNO.Core.OTP 1-3 json
    1: get reset
    2: auth_tmp_code edit_secret_key get get_one get_qrcode reset save_mail
    3: auth_tmp_code get_qrcode
SYNO.Core.OTP.Admin 1-1 json
    1: get get_otp_status reset
SYNO.Core.OTP.EnforcePolicy 1-1 json
    1: custom_set get list set
SYNO.Core.OTP.Ex 1-1 json
    1: auth_tmp_code edit_secret_key get_qrcode save_mail
SYNO.Core.OTP.Mail 1-1 json
    1: send
SYNO.OAUTH.Client 1-1 json
    1: add del disable enable get list
SYNO.OAUTH.Common 1-1 json
    1: get set
SYNO.OAUTH.Log 1-1 json
    1: add del export list
SYNO.OAUTH.Token 1-1 json
    1: list revoke verify
""",
    CatalogSection.CORE: """
SYNO.DSM.Info 2-2 json
    2: getinfo
SYNO.Entry.Request 1-2 json
    1: request
    2: request
SYNO.Entry.Request.Polling 1-1 json
    1: list status
SYNO.Entry.SocketIo 1-1 json
    1: emit listeners_count
""",
    CatalogSection.CHAT: """
SYNO.Chat.Admin.Setting 1-4 json
    1: background_job_status get import import_status log log_export refresh_permission
        set set_batch_delete
    2: background_job_status get import import_status log log_export refresh_permission
        remove_batch_delete set set_batch_delete set_batch_delete_by_admin_setting
    3: background_job_status get import import_status log log_export refresh_permission
        remove_batch_delete set set_batch_delete set_batch_delete_by_admin_setting
    4: background_job_status get import import_status log log_export refresh_permission
        remove_batch_delete set set_batch_delete set_batch_delete_by_admin_setting
SYNO.Chat.App 1-2 json
    1: create delete get icon list list_bot
    2: create delete get icon list list_bot set
SYNO.Chat.Archive 1-1 json
    1: delete list list_name
SYNO.Chat.Bot 1-1 json
    1: delete disable enable regen_token set
SYNO.Chat.Channel 1-5 json
    1: enter hide leave list rescue star unstar view
    2: archive close enter hide leave list rescue star unstar view
    3: list
    4: close get hide_global list
    5: archive close enter get hide hide_global leave list rescue star unstar view
SYNO.Chat.Channel.Anonymous 1-2 json
    1: initiate
    2: initiate promote
SYNO.Chat.Channel.Chatbot 1-1 json
    1: block initiate list_blocked
SYNO.Chat.Channel.GuestUser 1-1 json
    1: kick list register resend_email set
SYNO.Chat.Channel.Hashtag 1-1 json
    1: list
SYNO.Chat.Channel.Hidden 1-1 json
    1: initiate
SYNO.Chat.Channel.Member 1-1 json
    1: get
SYNO.Chat.Channel.Named 1-1 json
    1: create disjoin invite join kick set
SYNO.Chat.Channel.Preference 1-3 json
    1: get set
    2: get set
    3: get set
SYNO.Chat.Chatbot 1-1 json
    1: create get list set
SYNO.Chat.External 1-2 json
    1: broadcast chatbot incoming
    2: broadcast channel_list chatbot incoming post_file_get post_list user_list
SYNO.Chat.Misc 1-1 json
    1: acl ntp
SYNO.Chat.Post 1-8 json
    1: create delete list list_editable pin search set star unpin unstar
    2: create delete list list_editable pin search set star stick unpin unstar unstick
    3: create delete forward hide_og list list_editable pin search set star stick unpin
        unstar unstick
    4: admin_search batch_delete create delete delete_list forward hide_og list
        list_editable pin search set star stick unpin unstar unstick
    5: admin_search batch_delete create delete delete_list forward hide_og list
        list_editable pin search set star stick thread_list unpin unstar unstick
    6: admin_search batch_delete create delete delete_list forward get_read_status
        hide_og list list_editable pin search set star stick thread_list unpin unstar
        unstick
    7: admin_search batch_delete create delete delete_list forward get_read_status
        hide_og list list_editable pin search set star stick thread_list unpin unstar
        unstick
    8: admin_search batch_delete create delete delete_list forward get_read_status
        hide_og list list_editable pin search set star stick thread_list unpin unstar
        unstick
SYNO.Chat.Post.Attachment 1-1 json
    1: trigger
SYNO.Chat.Post.File 1-2 json
    1: doc_convert get og thumbnail
    2: doc_convert get og thumbnail video_link
SYNO.Chat.Post.Hashtag 1-1 json
    1: delete set
SYNO.Chat.Post.Reaction 1-1 json
    1: delete set
SYNO.Chat.Post.Reminder 1-1 json
    1: delete get list set
SYNO.Chat.Post.Schedule 1-1 json
    1: create delete list set
SYNO.Chat.Post.Snippet 1-2 json
    1: get set
    2: get set
SYNO.Chat.Post.Subscribe 1-2 json
    1: create delete view
    2: view
SYNO.Chat.Post.Vote 1-1 json
    1: close create create_option delete get_choices set vote
SYNO.Chat.Sticker 1-2 json
    1: get list
    2: get list
SYNO.Chat.User 1-2 json
    1: change_password get list login notification_badge notify_encrypt polling set
        update_key
    2: change_password get list login notification_badge notify_encrypt polling
        privilege_user_count set update_key
SYNO.Chat.User.Avatar 1-1 json
    1: get
SYNO.Chat.User.Preference 1-4 json
    1: get set
    2: get set
    3: get set
    4: get set
SYNO.Chat.User.Status 1-1 json
    1: clear set
SYNO.Chat.Webhook.Broadcast 1-1 json
    1: create get
SYNO.Chat.Webhook.BuiltIn 1-1 json
    1: conference
SYNO.Chat.Webhook.Incoming 1-1 json
    1: create get list set
SYNO.Chat.Webhook.Outgoing 1-1 json
    1: create get list set
SYNO.Chat.Webhook.Slash 1-1 json
    1: create execute get list set
""",
    CatalogSection.NOTESTATION: """
SYNO.NoteStation.Export.Note 1-1 json
    1: download start status stop
SYNO.NoteStation.Export.Notebook 1-1 json
    1: start status stop
SYNO.NoteStation.Export.Word 1-1 json
    1: download start status stop
SYNO.NoteStation.FTS 1-1 json
    1: search
SYNO.NoteStation.Import.Enex 1-1 json
    1: start status stop
SYNO.NoteStation.Import.Evernote 1-1 json
    1: add_import_task check_oauth_token get_oauth_token get_oauth_url get_polling_task
        get_status import import_lock import_status import_stop init list_notebooks
        prepare_notebooks prepare_notebooks_status
SYNO.NoteStation.Import.Notebook 1-1 json
    1: start status stop
SYNO.NoteStation.Info 1-3 json
    1: get searchplace
    2: get searchplace
    3: get searchplace
SYNO.NoteStation.Note 1-4 json
    1: copy create delete download get idle list restore set
    2: copy create delete download get idle list restore set
    3: copy create delete download get idle list restore set
    4: copy create delete download get get_attachment_text idle list restore set
SYNO.NoteStation.Note.AppLink 1-2 json
    1: get
    2: get resolve
SYNO.NoteStation.Note.AppTask 2-2 json
    2: get
SYNO.NoteStation.Note.Encrypt 1-1 json
    1: check create delete
SYNO.NoteStation.Note.Ghost 2-3 json
    2: create
    3: create
SYNO.NoteStation.Note.Polling 1-3 json
    1: copy copy_status copy_stop create create_status create_stop set set_status
        set_stop
    2: copy copy_status copy_stop create create_status create_stop set set_status
        set_stop
    3: copy copy_status copy_stop create create_status create_stop set set_status
        set_stop
SYNO.NoteStation.Note.Version 1-2 json
    1: get list restore
    2: get list restore
SYNO.NoteStation.Notebook 1-2 json
    1: create delete get list set
    2: create delete get list set
SYNO.NoteStation.Notebook.Polling 1-1 json
    1: archive archive_status archive_stop
SYNO.NoteStation.Notebook.Preset 1-1 json
    1: set
SYNO.NoteStation.Permission 1-1 json
    1: delete set
SYNO.NoteStation.Permission.Group 1-1 json
    1: delete set
SYNO.NoteStation.Permission.Public 1-1 json
    1: delete set
SYNO.NoteStation.Permission.User 1-1 json
    1: delete set
SYNO.NoteStation.Setting 1-2 json
    1: get init set
    2: get init set
SYNO.NoteStation.Setting.DSM 1-1 json
    1: get
SYNO.NoteStation.Setting.Global 1-1 json
    1: get set
SYNO.NoteStation.Setting.Volume 1-1 json
    1: get_status set
SYNO.NoteStation.Shard 1-1 json
    1: get getjs init
SYNO.NoteStation.Shard.Link 1-1 json
    1: get
SYNO.NoteStation.Share.Priv 1-2 json
    1: list
    2: list
SYNO.NoteStation.Shortcut 1-1 json
    1: delete list set
SYNO.NoteStation.Smart 1-1 json
    1: create delete get list set
SYNO.NoteStation.Stack 1-1 json
    1: delete set
SYNO.NoteStation.Tag 1-2 json
    1: delete list set
    2: delete list set
SYNO.NoteStation.Todo 1-2 json
    1: create delete get list list_timeout set
    2: create delete get list list_timeout set
""",
    CatalogSection.CALENDAR: """
SYNO.Cal.AuthForeign 1-1 json
    1: create delete get list set
SYNO.Cal.Cal 1-5 json
    1: create delete export get import list set
    2: create list
    5: create delete get list set
SYNO.Cal.Chatbot 1-1 json
    1: cancel receive send
SYNO.Cal.Contact 1-1 json
    1: get_user_info list notify_reset_contact notify_update_contact
SYNO.Cal.Event 1-5 json
    1: create create_by_ics create_simple delete get list reply search set
    2: create get list set set_attach
    3: create get list set set_attach
    4: get list
    5: create delete get invite_event_set invite_subevent_set list set set_exdate
        set_personal_property subevent_set
SYNO.Cal.InviteMail 1-1 json
    1: reply
SYNO.Cal.InviteMailInit 1-5 json
    1: token tokens
    5: token tokens
SYNO.Cal.Proxy 1-5 json
    1: cal_list task_create task_create_ics task_list task_update
    5: get_config jitsi jitsi_list set_config
SYNO.Cal.SendMail 1-1 json
    1: send_cancel
SYNO.Cal.Setting 1-5 json
    1: get list set
    2: get list set
    5: get list set
SYNO.Cal.Share.Priv 1-1 json
    1: list
SYNO.Cal.Sharing 1-1 json
    1: get set
SYNO.Cal.SyncUser 1-1 json
    1: check_convert_fake_email_status convert_fake_email has_converted_fake_email sync
SYNO.Cal.Timezone 1-5 json
    1: list
    2: list
    5: list
SYNO.Cal.Todo 1-5 json
    1: clean_complete count_todo create delete get list list_count search set set_order
    5: count_todo create delete get list set
SYNO.Cal.UserAction 1-1 json
    1: set
""",
    CatalogSection.DRIVE: """
SYNO.SynologyDrive 1-1 json
    1: check_user delete_database get_client_link get_directory_service_status
        get_extension get_status resume_freeze
SYNO.SynologyDrive.Activation 1-1 json
    1: get set
SYNO.SynologyDrive.AdvanceSharing 1-1 json
    1: create delete get update verify
SYNO.SynologyDrive.AdvanceSharing.Public 1-1 json
    1: auth
SYNO.SynologyDrive.AppIntegration 1-1 json
    1: create delete get list update
SYNO.SynologyDrive.Authentication 1-3 json
    1: authenticate_by_dsm revoke
    2: authenticate_by_dsm revoke set_active
    3: authenticate_by_dsm revoke set_active
SYNO.SynologyDrive.Config 1-1 json
    1: get set
SYNO.SynologyDrive.Connection 1-2 json
    1: delete list
    2: delete list summary
SYNO.SynologyDrive.DBUsage 1-1 json
    1: get start status stop
SYNO.SynologyDrive.DSM 1-1 json
    1: get
SYNO.SynologyDrive.Dashboard 1-1 json
    1: top_access_files
SYNO.SynologyDrive.Files 1-10 json
    1: convert_office copy create delete download get get_thumbnail label list
        list_ancestor list_labelled list_starred move recent request_access search
        shared_with_me shared_with_others star update upload upload_from_dsm
    2: convert_office copy create delete download get get_thumbnail label list
        list_ancestor list_labelled list_starred move recent request_access search
        shared_with_me shared_with_others star update upload upload_from_dsm
    3: convert_office copy create delete download get get_thumbnail label list
        list_ancestor list_backup_tasks list_labelled list_starred move recent
        request_access search shared_with_me shared_with_others star update upload
        upload_from_dsm
    4: convert_office copy create delete download get get_thumbnail label list
        list_ancestor list_backup_tasks list_labelled list_starred move recent
        request_access search shared_with_me shared_with_others star update upload
        upload_from_dsm
    5: convert_office copy create delete download get get_thumbnail label list
        list_ancestor list_backup_tasks list_labelled list_starred move recent
        request_access search shared_with_me shared_with_others star update upload
        upload_from_dsm
    6: convert_office copy create delete download get get_thumbnail label list
        list_ancestor list_backup_tasks list_labelled list_starred move recent
        request_access search shared_with_me shared_with_others star update upload
        upload_from_dsm
    7: convert_office copy create delete download get get_thumbnail label list
        list_ancestor list_backup_tasks list_labelled list_starred move recent
        request_access search shared_with_me shared_with_others star update upload
        upload_from_dsm
    8: convert_office copy create delete download get get_thumbnail label list
        list_ancestor list_backup_tasks list_labelled list_starred move recent
        request_access search shared_with_me shared_with_others star update upload
        upload_from_dsm
    9: convert_office copy create delete download get get_thumbnail label list
        list_ancestor list_backup_tasks list_labelled list_starred move recent
        request_access search shared_with_me shared_with_others star update upload
        upload_from_dsm
    10: convert_office copy create delete download get get_thumbnail label list
        list_ancestor list_backup_tasks list_labelled list_starred move recent
        request_access search shared_with_me shared_with_others star update upload
        upload_from_dsm
SYNO.SynologyDrive.HybridShare.Privilege 1-1 json
    1: list update
SYNO.SynologyDrive.Index 1-1 json
    1: get_native_client_status set_native_client_index_pause
SYNO.SynologyDrive.Info 1-2 json
    1: get noop
    2: get noop quota
SYNO.SynologyDrive.KeyManagement 1-1 json
    1: delete export get import list set
SYNO.SynologyDrive.Labels 1-2 json
    1: create delete list update
    2: create delete list update
SYNO.SynologyDrive.Log 1-1 json
    1: delete export list
SYNO.SynologyDrive.Metrics 1-1 json
    1: get
SYNO.SynologyDrive.Metrics.Token 1-1 json
    1: get refresh
SYNO.SynologyDrive.Migration 1-1 json
    1: import import_trash
SYNO.SynologyDrive.Migration.UserHome 1-1 json
    1: list start status
SYNO.SynologyDrive.Mobile.Notification 1-1 json
    1: pair subscribe unpair unsubscribe
SYNO.SynologyDrive.Node 1-1 json
    1: dry_run list list_parent list_version
SYNO.SynologyDrive.Node.Delete 1-1 json
    1: get_schedule set_schedule start status
SYNO.SynologyDrive.Node.Download 1-1 json
    1: finish start status stop
SYNO.SynologyDrive.Node.Restore 1-1 json
    1: finish start status
SYNO.SynologyDrive.Notifications 1-2 json
    1: create delete list
    2: create delete list
SYNO.SynologyDrive.Office 1-1 json
    1: status
SYNO.SynologyDrive.Photos 1-3 json
    1: get_metadata
    2: get_metadata list upload
    3: get_metadata list upload
SYNO.SynologyDrive.Privilege 1-1 json
    1: list set status
SYNO.SynologyDrive.Profiles 1-2 json
    1: delete get_sync_profiles list set
    2: delete get_sync_profiles list set
SYNO.SynologyDrive.Revisions 1-2 json
    1: download list restore
    2: download list restore
SYNO.SynologyDrive.SCIM.Photo 1-1 json
    1: get
SYNO.SynologyDrive.SCIM.User 1-1 json
    1: get
SYNO.SynologyDrive.Services.DocumentViewer 1-1 json
    1: create
SYNO.SynologyDrive.Services.SynologyChat 1-1 json
    1: bind list
SYNO.SynologyDrive.Services.VideoStation 1-1 json
    1: create
SYNO.SynologyDrive.Settings 1-2 json
    1: list update
    2: list list_targets update
SYNO.SynologyDrive.Shard 1-1 json
    1: get getjs init
SYNO.SynologyDrive.Share 1-2 json
    1: get_hybrid_share_rotate_span get_migrate_index_home_config list list_active
        migrate_index_home set
    2: get_hybrid_share_rotate_span get_migrate_index_home_config list list_active
        migrate_index_home set
SYNO.SynologyDrive.Share.Priv 1-1 json
    1: list
SYNO.SynologyDrive.Sharing 1-2 json
    1: create_link list sync_to_device update use_link
    2: create_link get_base_url list sync_to_device update use_link
SYNO.SynologyDrive.Sharing.Report 1-1 json
    1: list_target start status stop
SYNO.SynologyDrive.Statistics 1-1 json
    1: get
SYNO.SynologyDrive.String 1-1 json
    1: get
SYNO.SynologyDrive.Tasks 1-1 json
    1: delete get list
SYNO.SynologyDrive.TeamFolders 1-1 json
    1: list list_members
SYNO.SynologyDrive.Trash 1-2 json
    1: empty list list_ancestor
    2: empty get_size list list_ancestor
SYNO.SynologyDrive.Users 1-1 json
    1: get list update
SYNO.SynologyDrive.Webhooks 1-2 json
    1: create delete get list update
    2: create delete get list update
""",
    CatalogSection.CONTACTS: """
SYNO.Contacts.Addressbook 1-1 json
    1: copy_member create delete export get import import_preview list list_principal
        move_member set set_addressbook_display share_addressbook
SYNO.Contacts.AdminSetting 1-1 json
    1: get migrate set set_sharing
SYNO.Contacts.Contact 1-2 json
    1: create delete export get get_photo list list_group list_team_contact set
        toggle_group toggle_member toggle_person update_usage_frequency
    2: create delete export get get_photo list list_group list_team_contact set
        toggle_group toggle_member toggle_person update_usage_frequency
SYNO.Contacts.ExternalSource 1-1 json
    1: create create_carddav get list refresh set set_carddav
SYNO.Contacts.Info 1-2 json
    1: get get_timezone
SYNO.Contacts.Label 1-2 json
    1: add_member create delete export list remove_member set
    2: add_member create delete export list remove_member set
SYNO.Contacts.OU 1-1 json
    1: list
""",
    CatalogSection.WEBDAV: """
SYNO.Core.AppPriv 1-2 json
    2: list
SYNO.Core.AppPriv.App 1-3 json
    2: allowed list preview
    3: list
SYNO.Core.AppPriv.Rule 1-1 json
    1: delete get list set
SYNO.Core.SyslogClient.FileTransfer 1-1 json
    1: get get_level set set_level
SYNO.Core.SyslogClient.Log 1-1 json
    1: clear export get_remotearch_subfolder list
""",
}

# Methods that open, renew or end the entry's session (see SIGN_IN).
SIGN_IN_METHODS: frozenset[tuple[str, str]] = frozenset(
    ("SYNO.API.Auth", method)
    for method in (
        "Login",
        "Logout",
        "login",
        "logout",
        "oidc",
        "reset",
        "resume",
        "session",
        "suspend",
        "synotoken",
        "token",
    )
)

# APIs call_api refuses to everyone, administrators and automations included: their answers
# carry secrets a response, a trace or a log would keep (2-step seeds, sign-in keys, OAuth
# clients and tokens, the SSO Client's secrets, bot and webhook tokens, stored passwords of
# external sources), or they change accounts, sign-in and who may use what. The DSM web UI
# is the place for those. A name ending in "." covers every API it begins (SECURITY.md
# lists them); a set of methods limits the refusal to those.
REFUSED: Mapping[str, tuple[Refusal, frozenset[str] | None]] = {
    "SYNO.API.Auth.Key": (Refusal.SECRETS, None),
    "SYNO.API.Auth.Key.Code": (Refusal.SECRETS, None),
    "SYNO.Core.OTP": (Refusal.SECRETS, None),
    "SYNO.Core.OTP.": (Refusal.SECRETS, None),
    "SYNO.Core.OAuth.": (Refusal.SECRETS, None),
    "SYNO.OAUTH.Client": (Refusal.SECRETS, None),
    "SYNO.OAUTH.Token": (Refusal.SECRETS, None),
    "SYNO.OAUTH.Common": (Refusal.ACCOUNTS, None),
    "SYNO.Core.Directory.": (Refusal.SECRETS, None),
    "SYNO.Core.NormalUser": (Refusal.ACCOUNTS, None),
    "SYNO.Core.NormalUser.": (Refusal.ACCOUNTS, None),
    "SYNO.Core.AppPriv.Rule": (Refusal.ACCOUNTS, frozenset({"set", "delete"})),
    "SYNO.Chat.Webhook.": (Refusal.SECRETS, None),
    "SYNO.Chat.Bot": (Refusal.SECRETS, None),
    "SYNO.Chat.Chatbot": (Refusal.SECRETS, None),
    "SYNO.Chat.App": (Refusal.SECRETS, None),
    "SYNO.Chat.User": (
        Refusal.ACCOUNTS,
        frozenset({"change_password", "login", "set", "update_key", "notify_encrypt"}),
    ),
    "SYNO.Chat.Channel.GuestUser": (Refusal.ACCOUNTS, None),
    "SYNO.NoteStation.Import.Evernote": (Refusal.SECRETS, None),
    "SYNO.Cal.AuthForeign": (Refusal.SECRETS, None),
    "SYNO.SynologyDrive.Webhooks": (Refusal.SECRETS, None),
    "SYNO.SynologyDrive.Metrics.Token": (Refusal.SECRETS, None),
    "SYNO.SynologyDrive.KeyManagement": (Refusal.SECRETS, None),
    "SYNO.SynologyDrive.Authentication": (Refusal.SECRETS, None),
    "SYNO.SynologyDrive.SCIM.": (Refusal.ACCOUNTS, None),
    "SYNO.Contacts.ExternalSource": (Refusal.SECRETS, None),
}


def refusal(api: str, method: str) -> Refusal | None:
    """Return why call_api refuses api.method to everyone, or None."""
    for name, (reason, methods) in REFUSED.items():
        if (api == name or (name.endswith(".") and api.startswith(name))) and (
            methods is None or method in methods
        ):
            return reason
    return None


# Methods that answer a file instead of a JSON envelope: the Chat manifest's allowDownload
# flags, and the downloads and exports the app references describe.
DOWNLOADS: frozenset[tuple[str, str]] = frozenset(
    {
        ("SYNO.Chat.Admin.Setting", "log_export"),
        ("SYNO.Chat.App", "icon"),
        ("SYNO.Chat.External", "post_file_get"),
        ("SYNO.Chat.Post.File", "get"),
        ("SYNO.Chat.Post.File", "og"),
        ("SYNO.Chat.Post.File", "thumbnail"),
        ("SYNO.Chat.Post.Snippet", "get"),
        ("SYNO.Chat.Sticker", "get"),
        ("SYNO.Chat.User.Avatar", "get"),
        ("SYNO.Cal.Cal", "export"),
        ("SYNO.NoteStation.Note", "download"),
        ("SYNO.NoteStation.Export.Note", "download"),
        ("SYNO.NoteStation.Export.Word", "download"),
        ("SYNO.SynologyDrive.Files", "download"),
        ("SYNO.SynologyDrive.Files", "get_thumbnail"),
        ("SYNO.SynologyDrive.Revisions", "download"),
        ("SYNO.SynologyDrive.Log", "export"),
        ("SYNO.Contacts.Addressbook", "export"),
        ("SYNO.Contacts.Contact", "export"),
        ("SYNO.Contacts.Label", "export"),
        ("SYNO.Core.SyslogClient.Log", "export"),
    }
)

# Methods whose purpose is a multipart file upload (imports and uploads the app references
# describe). call_api sends no files, so it refuses them. Methods the Chat manifest marks
# allowUpload but that work without a file (Post.create, Vote.create, Bot.set, User.set)
# are not here.
UPLOADS: frozenset[tuple[str, str]] = frozenset(
    {
        ("SYNO.Chat.Admin.Setting", "import"),
        ("SYNO.Cal.Cal", "import"),
        ("SYNO.SynologyDrive.Files", "upload"),
        ("SYNO.Contacts.Addressbook", "import"),
        ("SYNO.Contacts.Addressbook", "import_preview"),
    }
)

# The JSON types of the parameters the references document, per method. call_api refuses a
# value of another type before anything is sent; parameters not listed pass as given.
PARAMETER_TYPES: Mapping[tuple[str, str], Mapping[str, type]] = {
    ("SYNO.Entry.Request", "request"): {
        "compound": list,
        "stop_when_error": bool,
        "mode": str,
    },
    ("SYNO.API.Info", "query"): {"query": str},
    ("SYNO.Contacts.Addressbook", "create"): {"name": str, "is_public": bool},
    ("SYNO.Contacts.Addressbook", "delete"): {"ids": list},
    ("SYNO.Contacts.Contact", "list"): {"addressbook_id": int, "with_photo": bool},
    ("SYNO.Contacts.Contact", "get"): {"ids": list},
    ("SYNO.Contacts.Contact", "create"): {
        "addressbook_id": int,
        "contact": dict,
        "with_photo": bool,
    },
    ("SYNO.Contacts.Contact", "set"): {"id": int},
    ("SYNO.Contacts.Contact", "delete"): {"ids": list},
    ("SYNO.Contacts.Contact", "get_photo"): {"contact_ids": list},
    ("SYNO.Contacts.Contact", "list_group"): {"addressbook_id": int},
    ("SYNO.Core.SyslogClient.FileTransfer", "set"): dict.fromkeys(
        ("afp", "cifs", "filestation", "ftp", "tftp", "webdav"), bool
    ),
    ("SYNO.NoteStation.Note", "get"): {"object_id": str},
    ("SYNO.NoteStation.Notebook", "get"): {"object_id": str},
    ("SYNO.NoteStation.FTS", "search"): {"keyword": str, "offset": int, "limit": int},
    ("SYNO.SynologyDrive.Files", "list"): {"path": str, "offset": int, "limit": int},
    ("SYNO.Cal.Cal", "export"): {"cal_id": str},
}


@dataclass(frozen=True, slots=True)
class CatalogApi:
    """One API: where it belongs, its versions, its encoding and its methods per version."""

    name: str
    section: CatalogSection
    min_version: int
    max_version: int
    encoding: Encoding
    methods: Mapping[int, frozenset[str]]

    def versions_of(self, method: str) -> tuple[int, ...]:
        """Return the versions that have method, lowest first."""
        return tuple(
            sorted(
                version for version, names in self.methods.items() if method in names
            )
        )

    def method_names(self) -> list[str]:
        """Return every method of any version, sorted."""
        return sorted(set().union(*self.methods.values()))


@dataclass(frozen=True, slots=True)
class CatalogEndpoint:
    """One method of one API, with everything call_api and the documentation need."""

    api: CatalogApi
    method: str
    versions: tuple[int, ...]
    sign_in: bool
    download: bool
    upload: bool
    parameters: Mapping[str, type]
    refused: Refusal | None


def parse_section(section: CatalogSection, table: str) -> list[CatalogApi]:
    """Parse one table of SECTIONS (format in the module docstring)."""
    apis: list[CatalogApi] = []
    for line in table.strip().splitlines():
        if not line[:1].isspace():
            name, versions, encoding = line.split()
            low, high = (int(part) for part in versions.split("-"))
            apis.append(CatalogApi(name, section, low, high, Encoding(encoding), {}))
            continue
        first, _, rest = line.strip().partition(":")
        methods = apis[-1].methods
        assert isinstance(methods, dict)  # noqa: S101 - built just above
        if rest and first.isdecimal():
            methods[int(first)] = frozenset(rest.split())
        else:
            last = max(methods)
            methods[last] = methods[last] | frozenset(line.split())
    return apis


def _build() -> Mapping[str, CatalogApi]:
    apis = [
        api
        for section, table in SECTIONS.items()
        for api in parse_section(section, table)
    ]
    return MappingProxyType({api.name: api for api in apis})


CATALOG: Mapping[str, CatalogApi] = _build()


def endpoint(api: str, method: str) -> CatalogEndpoint | None:
    """Return what the catalog knows of api.method, or None when it has no such method."""
    entry = CATALOG.get(api)
    if entry is None or not (versions := entry.versions_of(method)):
        return None
    key = (api, method)
    return CatalogEndpoint(
        api=entry,
        method=method,
        versions=versions,
        sign_in=key in SIGN_IN_METHODS,
        download=key in DOWNLOADS,
        upload=key in UPLOADS,
        parameters=PARAMETER_TYPES.get(key, {}),
        refused=refusal(api, method),
    )


def endpoints() -> list[CatalogEndpoint]:
    """Return every endpoint, in section order, then by API and method name."""
    found = []
    for api in CATALOG.values():
        for method in api.method_names():
            item = endpoint(api.name, method)
            assert item is not None  # noqa: S101 - the method is the API's own
            found.append(item)
    return found


# The JSON name of each Python type a parameter value can have, as errors show it.
JSON_TYPE_NAMES: Mapping[type, str] = {
    bool: "boolean",
    int: "number",
    float: "number",
    str: "string",
    list: "array",
    dict: "object",
    type(None): "null",
}


def json_type_name(value: Any) -> str:
    """Name a value's JSON type."""
    return JSON_TYPE_NAMES.get(type(value), type(value).__name__)


def versions_text(versions: Iterable[int]) -> str:
    """Write versions as ranges: 1-3, 5."""
    runs: list[list[int]] = []
    for version in sorted(versions):
        if runs and version == runs[-1][-1] + 1:
            runs[-1].append(version)
        else:
            runs.append([version])
    return ", ".join(
        str(run[0]) if len(run) == 1 else f"{run[0]}-{run[-1]}" for run in runs
    )
