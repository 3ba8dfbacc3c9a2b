"""Constants shared by the Synology Native integration."""

from datetime import timedelta
from enum import StrEnum
import logging
from typing import Final

DOMAIN: Final = "synology_native"
LOGGER = logging.getLogger(__package__)

CONF_AUTH_METHOD: Final = "auth_method"
CONF_DEVICE_TOKEN: Final = "device_token"
CONF_OTP_CODE: Final = "otp_code"
# Single sign-on: the address the browser landed on (flow input only), and the DSM
# session the sign-in yielded.
CONF_SSO_LANDING: Final = "landing_address"
CONF_SESSION_ID: Final = "session_id"
CONF_SYNOTOKEN: Final = "synotoken"


class AuthMethod(StrEnum):
    """How an entry signs in to DSM."""

    PASSWORD = "password"
    SSO = "sso"


# Options
CONF_APPS: Final = "apps"
CONF_UPDATE_INTERVAL: Final = "update_interval"

# Bus events (public contract for automations, documented in docs/chat.md).
EVENT_CHAT_MESSAGE: Final = f"{DOMAIN}_chat_message"
EVENT_CHAT_MESSAGE_UPDATED: Final = f"{DOMAIN}_chat_message_updated"
EVENT_CHAT_MESSAGE_DELETED: Final = f"{DOMAIN}_chat_message_deleted"
EVENT_CHAT_REACTION: Final = f"{DOMAIN}_chat_reaction"

# Options: Chat users to offer a direct-message notify entity for.
CONF_CHAT_DM_USERS: Final = "chat_dm_users"

# Assist in Chat: options, and the subentry that lets one Chat user talk to it.
CONF_CHAT_ASSIST: Final = "chat_assist"
CONF_CHAT_ASSIST_AGENT: Final = "chat_assist_agent"
CONF_CHAT_ASSIST_MAX_AGE: Final = "chat_assist_max_age"
DEFAULT_CHAT_ASSIST_MAX_AGE: Final = timedelta(minutes=5)
MAX_CHAT_ASSIST_MAX_AGE_MINUTES: Final = 24 * 60
SUBENTRY_CHAT_ASSIST_USER: Final = "chat_assist_user"
CONF_CHAT_USER_ID: Final = "chat_user_id"
EVENT_CHAT_ASSIST: Final = f"{DOMAIN}_chat_assist"

DEFAULT_PORTS: Final = {"http": 5000, "https": 5001}
DEFAULT_UPDATE_INTERVAL: Final = timedelta(minutes=5)
MIN_UPDATE_INTERVAL_MINUTES: Final = 1
MAX_UPDATE_INTERVAL_MINUTES: Final = 60

# Synology Drive: bus events (documented in the README) and the push option.
EVENT_DRIVE_NOTIFICATION: Final = f"{DOMAIN}_drive_notification"
EVENT_DRIVE_FILE_CHANGED: Final = f"{DOMAIN}_drive_file_changed"
CONF_DRIVE_PUSH: Final = "drive_push"
# Addresses besides the NAS's own that Drive's webhook deliveries may come from (a proxy).
CONF_DRIVE_PUSH_SOURCES: Final = "drive_push_sources"

# The years a time given to an action or the frontend may fall in. DSM keeps times as
# epoch seconds, and a year like 1 or 9999 is a typo, not a plan.
SUPPORTED_YEARS = range(1900, 3000)
