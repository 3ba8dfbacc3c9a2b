"""What a user sets for Chat: its fields in the entry's options, and who talks to Assist.

Who may talk to Assist is chosen per person, as subentries of the entry: each maps one
Chat user to the Home Assistant user Assist acts as.
"""

from typing import TYPE_CHECKING, Any

from homeassistant.components import conversation
from homeassistant.config_entries import ConfigEntryState, ConfigSubentryFlow
from homeassistant.helpers.selector import (
    BooleanSelector,
    ConversationAgentSelector,
    ConversationAgentSelectorConfig,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
)
import probatio

from custom_components.synology_native.apps.spec import AppOptions
from custom_components.synology_native.const import (
    CONF_CHAT_ASSIST,
    CONF_CHAT_ASSIST_AGENT,
    CONF_CHAT_ASSIST_MAX_AGE,
    CONF_CHAT_DM_USERS,
    CONF_CHAT_USER_ID,
    DEFAULT_CHAT_ASSIST_MAX_AGE,
    MAX_CHAT_ASSIST_MAX_AGE_MINUTES,
    SUBENTRY_CHAT_ASSIST_USER,
)

from .listener import CHAT, ChatApp, ChatListener

if TYPE_CHECKING:
    from collections.abc import Collection

    from homeassistant.config_entries import SubentryFlowResult
    from homeassistant.core import HomeAssistant

    from custom_components.synology_native.data import DsmConfigEntry


def _people(chat: ChatListener, leave_out: Collection[str] = ()) -> dict[str, str]:
    """Return the people of the NAS by Chat user id, by name: not bots, not ourselves."""
    me = chat.me.user_id if chat.me else None
    return {
        str(user.user_id): user.display_name
        for user in sorted(chat.users.values(), key=lambda u: u.display_name)
        if user.type == "human"
        and not user.deleted
        and user.user_id != me
        and str(user.user_id) not in leave_out
    }


def _options(choices: dict[str, str]) -> list[SelectOptionDict]:
    return [SelectOptionDict(value=key, label=label) for key, label in choices.items()]


def _fields(
    hass: HomeAssistant, entry: DsmConfigEntry, chat: ChatApp
) -> dict[Any, Any]:
    return {
        # People to offer a "Chat with ..." notify entity for.
        probatio.Optional(
            CONF_CHAT_DM_USERS,
            description={
                "suggested_value": [
                    str(user) for user in entry.options.get(CONF_CHAT_DM_USERS, [])
                ]
            },
        ): SelectSelector(
            SelectSelectorConfig(
                options=_options(_people(chat.listener)), multiple=True
            )
        ),
        probatio.Required(
            CONF_CHAT_ASSIST, default=entry.options.get(CONF_CHAT_ASSIST, False)
        ): BooleanSelector(),
        probatio.Required(
            CONF_CHAT_ASSIST_AGENT,
            default=entry.options.get(
                CONF_CHAT_ASSIST_AGENT, conversation.HOME_ASSISTANT_AGENT
            ),
        ): ConversationAgentSelector(
            ConversationAgentSelectorConfig(language=hass.config.language)
        ),
        probatio.Required(
            CONF_CHAT_ASSIST_MAX_AGE,
            default=entry.options.get(
                CONF_CHAT_ASSIST_MAX_AGE,
                DEFAULT_CHAT_ASSIST_MAX_AGE.total_seconds() / 60,
            ),
        ): NumberSelector(
            NumberSelectorConfig(
                min=1,
                max=MAX_CHAT_ASSIST_MAX_AGE_MINUTES,
                step=1,
                mode=NumberSelectorMode.BOX,
                unit_of_measurement="min",
            )
        ),
    }


OPTIONS: AppOptions[ChatApp] = AppOptions(fields=_fields)


class ChatAssistUserFlow(ConfigSubentryFlow):
    """Let one Chat user talk to Assist, as one Home Assistant user."""

    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> SubentryFlowResult:
        """Choose the Chat user and the Home Assistant user they act as."""
        entry: DsmConfigEntry = self._get_entry()
        if entry.state is not ConfigEntryState.LOADED:
            return self.async_abort(reason="not_loaded")
        chat_app = entry.runtime_data.app(CHAT)
        if chat_app is None:
            return self.async_abort(reason="chat_not_used")
        taken = {
            str(subentry.data[CONF_CHAT_USER_ID])
            for subentry in entry.subentries.values()
            if subentry.subentry_type == SUBENTRY_CHAT_ASSIST_USER
        }
        people = _people(chat_app.listener, leave_out=taken)
        ha_users = {
            user.id: user.name or user.id
            for user in await self.hass.auth.async_get_users()
            if user.is_active and not user.system_generated
        }
        if user_input is not None:
            chat_user = user_input[CONF_CHAT_USER_ID]
            ha_user = user_input["user_id"]
            return self.async_create_entry(
                title=f"{people[chat_user]} → {ha_users[ha_user]}",
                data={CONF_CHAT_USER_ID: int(chat_user), "user_id": ha_user},
                unique_id=chat_user,
            )
        if not people:
            return self.async_abort(reason="no_chat_users")
        schema = probatio.Schema(
            {
                probatio.Required(CONF_CHAT_USER_ID): SelectSelector(
                    SelectSelectorConfig(options=_options(people))
                ),
                probatio.Required("user_id"): SelectSelector(
                    SelectSelectorConfig(options=_options(ha_users))
                ),
            }
        )
        return self.async_show_form(step_id="user", data_schema=schema)
