"""Assist in Synology Chat: answer direct messages and mentions with a conversation agent.

The Chat listener reports every new post once on the bus (from its persisted cursors,
after Home Assistant has started). This module reads those events for its entry,
keeps what a person may ask, hands the text to the chosen conversation agent as the
Home Assistant user that person is mapped to, and posts the agent's speech back into
the same conversation (for a channel: into the post's thread).

It never answers the entry's own posts (so it cannot talk to itself), bots or
webhooks, posts older than the configured age (a backlog after a restart), or a post
it answered before: the answered post ids are stored.
"""

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
import re
from typing import Any

from homeassistant.components import conversation
from homeassistant.core import Context, Event, HomeAssistant, callback
from homeassistant.helpers import intent, translation
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util

from custom_components.synology_native.api import DsmError
from custom_components.synology_native.api.chat import ChatChannel
from custom_components.synology_native.const import (
    CONF_CHAT_ASSIST_AGENT,
    CONF_CHAT_ASSIST_MAX_AGE,
    CONF_CHAT_USER_ID,
    DEFAULT_CHAT_ASSIST_MAX_AGE,
    DOMAIN,
    EVENT_CHAT_ASSIST,
    EVENT_CHAT_MESSAGE,
    LOGGER,
    SUBENTRY_CHAT_ASSIST_USER,
)
from custom_components.synology_native.data import DsmConfigEntry
from custom_components.synology_native.storage import EntryData

from .listener import ChatListener

# Enough to recognise any post the listener could report again; older ids fall off.
ANSWERED_KEPT = 500
# A person who may not use Assist is told so at most this often per conversation.
DECLINE_INTERVAL = timedelta(days=1)
# How Chat writes a mention in a post's text (chat.md §3.3).
MENTION = re.compile(r"@u:\d+")


# The posts Assist answered, and the declines it sent lately.
ASSIST_ANSWERS = EntryData("{domain}.chat_assist.{entry_id}")


@dataclass(frozen=True, slots=True)
class Question:
    """A post Assist may answer, and where the answer goes."""

    channel: ChatChannel
    post_id: int
    # The thread the answer is posted in; None posts it into the conversation itself.
    reply_thread_id: int | None
    author_id: int
    text: str

    @property
    def conversation_key(self) -> str:
        """Identify the Chat conversation (or thread) for follow-up questions."""
        thread = self.reply_thread_id or 0
        return f"{self.channel.channel_id}-{thread}"


class ChatAssist:
    """Answers the Chat posts of one entry with a conversation agent."""

    def __init__(
        self, hass: HomeAssistant, entry: DsmConfigEntry, listener: ChatListener
    ) -> None:
        """Prepare for entry; nothing is answered until async_start."""
        self.hass = hass
        self.entry = entry
        self.listener = listener
        self._store = ASSIST_ANSWERS.store(hass, entry.entry_id)
        self._answered: list[int] = []
        self._declined: dict[str, float] = {}
        # One post at a time, in the order Chat reported them.
        self._lock = asyncio.Lock()

    async def async_start(self) -> None:
        """Load what was answered before and listen for new posts."""
        await async_setup_component(self.hass, conversation.DOMAIN, {})
        stored = await self._store.async_load() or {}
        self._answered = [int(post_id) for post_id in stored.get("answered", [])]
        self._declined = {
            str(key): float(when) for key, when in stored.get("declined", {}).items()
        }
        self.entry.async_on_unload(
            self.hass.bus.async_listen(
                EVENT_CHAT_MESSAGE, self._on_message, event_filter=self._is_ours
            )
        )

    @callback
    def _is_ours(self, data: Mapping[str, Any]) -> bool:
        return data.get("config_entry_id") == self.entry.entry_id

    @callback
    def _on_message(self, event: Event) -> None:
        self.entry.async_create_task(
            self.hass,
            self._async_handle(event.data),
            f"{DOMAIN} chat assist {event.data.get('post_id')}",
        )

    async def _async_handle(self, data: Mapping[str, Any]) -> None:
        async with self._lock:
            question = self._question(data)
            if question is None or question.post_id in self._answered:
                return
            ha_user_id = self._allowed_users().get(question.author_id)
            # Remembered before answering: a crash in between leaves a post
            # unanswered rather than answered twice.
            self._remember(question.post_id)
            if ha_user_id is None:
                LOGGER.debug(
                    "Chat user %s may not talk to Assist; no action taken",
                    question.author_id,
                )
                await self._async_decline(question)
            else:
                await self._async_answer(question, ha_user_id, data)
            await self._async_save()

    def _question(self, data: Mapping[str, Any]) -> Question | None:
        """Return what to answer, or None for a post Assist leaves alone."""
        if data.get("own"):
            return None
        author = self.listener.users.get(int(data["author_id"]))
        # Bots and webhooks are Chat users of another type (chat.md §3.1).
        if author is None or author.type != "human" or author.deleted:
            return None
        channel = self.listener.channels.get(int(data["channel_id"]))
        if channel is None or not (channel.is_direct or data.get("mentions_me")):
            return None
        created_at = dt_util.parse_datetime(str(data.get("created_at")))
        if created_at is None or dt_util.utcnow() - created_at > self._max_age():
            LOGGER.debug("Chat post %s is too old for Assist", data.get("post_id"))
            return None
        text = MENTION.sub("", str(data.get("text") or "")).strip()
        if not text:
            return None
        thread_id = data.get("thread_id")
        post_id = int(data["post_id"])
        return Question(
            channel=channel,
            post_id=post_id,
            # In a channel the answer starts (or continues) the post's thread.
            reply_thread_id=(
                int(thread_id)
                if thread_id
                else (None if channel.is_direct else post_id)
            ),
            author_id=author.user_id,
            text=text,
        )

    def _allowed_users(self) -> dict[int, str]:
        """Map each Chat user who may talk to Assist to their Home Assistant user."""
        return {
            int(subentry.data[CONF_CHAT_USER_ID]): str(subentry.data["user_id"])
            for subentry in self.entry.subentries.values()
            if subentry.subentry_type == SUBENTRY_CHAT_ASSIST_USER
        }

    def _max_age(self) -> timedelta:
        minutes = self.entry.options.get(
            CONF_CHAT_ASSIST_MAX_AGE, DEFAULT_CHAT_ASSIST_MAX_AGE.total_seconds() / 60
        )
        return timedelta(minutes=float(minutes))

    async def _async_answer(
        self, question: Question, ha_user_id: str, data: Mapping[str, Any]
    ) -> None:
        conversation_id = f"{DOMAIN}-{self.entry.entry_id}-{question.conversation_key}"
        agent_id = self.entry.options.get(
            CONF_CHAT_ASSIST_AGENT, conversation.HOME_ASSISTANT_AGENT
        )
        try:
            result = await conversation.async_converse(
                self.hass,
                question.text,
                conversation_id,
                Context(user_id=ha_user_id),
                language=self.hass.config.language,
                agent_id=agent_id,
            )
        except ValueError:
            # async_converse's way of saying the chosen agent is gone (removed since
            # it was chosen): say so in Chat rather than stay silent.
            LOGGER.warning("Conversation agent %s for Chat is gone", agent_id)
            await self._async_post(question, await self._text("assist_no_agent"))
            return
        response = result.response
        speech = response.speech.get("plain", {}).get("speech", "")
        if not speech:
            speech = await self._text("assist_no_answer")
        posted = await self._async_post(question, speech)
        self.hass.bus.async_fire(
            EVENT_CHAT_ASSIST,
            {
                "config_entry_id": self.entry.entry_id,
                "channel_id": question.channel.channel_id,
                "channel_name": data.get("channel_name"),
                "post_id": question.post_id,
                "thread_id": question.reply_thread_id,
                "author_id": question.author_id,
                "author_name": data.get("author_name"),
                "user_id": ha_user_id,
                "agent_id": agent_id,
                "conversation_id": conversation_id,
                "question": question.text,
                "answer": speech,
                "answer_post_id": posted,
                "action_done": response.response_type
                is intent.IntentResponseType.ACTION_DONE,
                "error": response.response_type is intent.IntentResponseType.ERROR,
            },
            context=Context(user_id=ha_user_id),
        )

    async def _async_decline(self, question: Question) -> None:
        """Say at most once a day per conversation that Assist answers only some people."""
        now = dt_util.utcnow().timestamp()
        key = str(question.channel.channel_id)
        if now - self._declined.get(key, 0.0) < DECLINE_INTERVAL.total_seconds():
            return
        self._declined[key] = now
        await self._async_post(question, await self._text("assist_not_allowed"))

    async def _async_post(self, question: Question, message: str) -> int | None:
        """Post message as the entry's account, into the question's conversation.

        The Chat client already waits and tries once more when Chat says "too fast"
        (411); an answer that still cannot be posted is logged, not retried forever.
        """
        try:
            post = await self.listener.chat.send(
                question.channel.channel_id,
                message,
                thread_id=question.reply_thread_id,
            )
        except DsmError as err:
            LOGGER.warning(
                "Assist's answer to Chat post %s was not sent: %s",
                question.post_id,
                err,
            )
            return None
        self.listener.async_request_catch_up()
        return post.post_id

    async def _text(self, key: str) -> str:
        """Return one of the integration's sentences in Home Assistant's language."""
        language = self.hass.config.language
        strings = await translation.async_get_translations(
            self.hass, language, "exceptions", {DOMAIN}
        )
        return strings.get(f"component.{DOMAIN}.exceptions.{key}.message", key)

    def _remember(self, post_id: int) -> None:
        self._answered = [*self._answered, post_id][-ANSWERED_KEPT:]

    async def _async_save(self) -> None:
        cutoff = dt_util.utcnow().timestamp() - DECLINE_INTERVAL.total_seconds()
        self._declined = {k: v for k, v in self._declined.items() if v > cutoff}
        await self._store.async_save(
            {"answered": self._answered, "declined": self._declined}
        )
