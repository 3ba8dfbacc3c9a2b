"""Assist in Synology Chat: answer direct messages and mentions with a conversation agent.

The Chat listener hands every new post, as read from Chat, to ChatAssist.async_handle_post
(once, from its persisted cursors, after Home Assistant has started). Assist never reads
the public bus event, which anything that can fire an event could forge. This module
keeps what a person may ask, hands the text to the chosen conversation agent as the
Home Assistant user that person is mapped to, and posts the agent's speech back into
the same conversation (for a channel: into the post's thread).

It never answers the entry's own posts, posts of any DSM account an entry of this Home
Assistant signs in as (two entries allowing each other's accounts would answer each
other forever), bots or webhooks, posts older than the configured age (a backlog after
a restart), or a post it answered before: the answered post ids are stored. A person
mapped to a removed or deactivated Home Assistant user gets nothing done, and the agent
is called at most so often per person and overall.
"""

import asyncio
from collections import deque
from dataclasses import dataclass
from datetime import timedelta
import re
import time

from homeassistant.components import conversation
from homeassistant.const import CONF_USERNAME
from homeassistant.core import Context, HomeAssistant
from homeassistant.helpers import intent, translation
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from homeassistant.util.hass_dict import HassKey

from custom_components.synology_native.api import DsmError
from custom_components.synology_native.api.chat import ChatChannel, ChatPost, ChatUser
from custom_components.synology_native.const import (
    CONF_CHAT_ASSIST_AGENT,
    CONF_CHAT_ASSIST_MAX_AGE,
    CONF_CHAT_USER_ID,
    DEFAULT_CHAT_ASSIST_MAX_AGE,
    DOMAIN,
    EVENT_CHAT_ASSIST,
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

# Calls to the conversation agent (an LLM may cost money per call): at most this many
# questions per person per window, and this many across all entries of Home Assistant.
RATE_WINDOW_SECONDS = 60.0
RATE_PER_PERSON = 5
RATE_OVERALL = 20


class RateWindow:
    """Counts events of the last RATE_WINDOW_SECONDS (monotonic clock)."""

    def __init__(self, limit: int) -> None:
        """Allow limit events per window."""
        self.limit = limit
        self._times: deque[float] = deque()

    def full(self, now: float) -> bool:
        """Tell whether another event now would pass the limit."""
        while self._times and now - self._times[0] >= RATE_WINDOW_SECONDS:
            self._times.popleft()
        return len(self._times) >= self.limit

    def add(self, now: float) -> None:
        """Count an event at now."""
        self._times.append(now)


# The overall window, shared by every entry of this Home Assistant.
OVERALL_RATE: HassKey[RateWindow] = HassKey(f"{DOMAIN}_chat_assist_rate")


# The posts Assist answered, and the declines it sent lately.
ASSIST_ANSWERS = EntryData("{domain}.chat_assist.{entry_id}")


@dataclass(frozen=True, slots=True)
class Question:
    """A post Assist may answer, and where the answer goes."""

    channel: ChatChannel
    channel_name: str
    post_id: int
    # The thread the answer is posted in; None posts it into the conversation itself.
    reply_thread_id: int | None
    author: ChatUser
    text: str

    @property
    def conversation_key(self) -> str:
        """Identify the person's Assist conversation in this Chat conversation or thread.

        Per person: someone else in the same thread must not continue (and act on)
        another person's conversation.
        """
        thread = self.reply_thread_id or 0
        return f"{self.channel.channel_id}-{thread}-{self.author.user_id}"


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
        self._per_person: dict[int, RateWindow] = {}
        # People told they ask too fast, until one of their questions is taken again.
        self._told_too_fast: set[int] = set()
        # One post at a time, in the order Chat reported them.
        self._lock = asyncio.Lock()

    async def async_start(self) -> None:
        """Load what was answered before and take new posts from the listener."""
        await async_setup_component(self.hass, conversation.DOMAIN, {})
        stored = await self._store.async_load() or {}
        self._answered = [int(post_id) for post_id in stored.get("answered", [])]
        self._declined = {
            str(key): float(when) for key, when in stored.get("declined", {}).items()
        }
        self.listener.on_post = self.async_handle_post

    async def async_handle_post(self, channel: ChatChannel, post: ChatPost) -> None:
        """Answer post when it is a question for Assist (the listener's hook)."""
        async with self._lock:
            question = self._question(channel, post)
            if question is None or question.post_id in self._answered:
                return
            # Remembered before answering: a crash in between leaves a post
            # unanswered rather than answered twice.
            self._remember(question.post_id)
            await self._async_respond(question)
            await self._async_save()

    async def _async_respond(self, question: Question) -> None:
        """Answer, decline or slow down, checked again for every post."""
        author_id = question.author.user_id
        ha_user_id = self._allowed_users().get(author_id)
        user = (
            await self.hass.auth.async_get_user(ha_user_id)
            if ha_user_id is not None
            else None
        )
        if user is None or not user.is_active:
            LOGGER.debug(
                "Chat user %s may not talk to Assist (%s); no action taken",
                author_id,
                "not allowed" if ha_user_id is None else "user removed or deactivated",
            )
            await self._async_decline(question)
            return
        now = time.monotonic()
        person = self._per_person.setdefault(author_id, RateWindow(RATE_PER_PERSON))
        overall = self.hass.data.setdefault(OVERALL_RATE, RateWindow(RATE_OVERALL))
        if person.full(now) or overall.full(now):
            LOGGER.debug("Chat user %s asks Assist too fast; not answered", author_id)
            if author_id not in self._told_too_fast:
                self._told_too_fast.add(author_id)
                await self._async_post(question, await self._text("assist_too_fast"))
            return
        person.add(now)
        overall.add(now)
        self._told_too_fast.discard(author_id)
        await self._async_answer(question, user.id)

    def _question(self, channel: ChatChannel, post: ChatPost) -> Question | None:
        """Return what to answer, or None for a post Assist leaves alone."""
        me = self.listener.me
        author = self.listener.users.get(post.creator_id)
        # Bots and webhooks are Chat users of another type (chat.md §3.1).
        if (
            me is None
            or author is None
            or author.user_id == me.user_id
            or author.type != "human"
            or author.deleted
        ):
            return None
        if author.username.casefold() in self._own_accounts():
            LOGGER.debug(
                "Chat user %s is an account of this Home Assistant; not answered",
                author.user_id,
            )
            return None
        if not (channel.is_direct or me.user_id in post.mentions):
            return None
        age_ms = dt_util.utcnow().timestamp() * 1000 - post.create_at
        if age_ms > self._max_age().total_seconds() * 1000:
            LOGGER.debug("Chat post %s is too old for Assist", post.post_id)
            return None
        text = MENTION.sub("", post.message).strip()
        if not text:
            return None
        return Question(
            channel=channel,
            channel_name=self.listener.channel_name(channel),
            post_id=post.post_id,
            # In a channel the answer starts (or continues) the post's thread.
            reply_thread_id=(
                post.thread_id
                if post.is_reply
                else (None if channel.is_direct else post.post_id)
            ),
            author=author,
            text=text,
        )

    def _own_accounts(self) -> set[str]:
        """Return the DSM accounts (case-folded) the entries of this Home Assistant use.

        Account names, whichever NAS: an entry's account writes Assist's answers, so
        answering it could start two entries answering each other.
        """
        return {
            str(entry.data.get(CONF_USERNAME, "")).casefold()
            for entry in self.hass.config_entries.async_entries(DOMAIN)
        }

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

    async def _async_answer(self, question: Question, ha_user_id: str) -> None:
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
                "channel_name": question.channel_name,
                "post_id": question.post_id,
                "thread_id": question.reply_thread_id,
                "author_id": question.author.user_id,
                "author_name": question.author.display_name,
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

        The Chat client paces posts and tries again when Chat says "too fast" (411);
        an answer that still cannot be posted is logged, not retried forever.
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
