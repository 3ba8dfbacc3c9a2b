"""Config flow: DSM address, then password sign-in with a one-time code when asked."""

from typing import TYPE_CHECKING, Any, override

from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    ConfigEntryState,
    ConfigFlow,
    ConfigFlowResult,
    OptionsFlowWithReload,
)
from homeassistant.const import CONF_PASSWORD, CONF_URL, CONF_USERNAME, CONF_VERIFY_SSL
from homeassistant.core import callback
from homeassistant.helpers.selector import (
    BooleanSelector,
    NumberSelector,
    NumberSelectorConfig,
    NumberSelectorMode,
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    TextSelector,
    TextSelectorConfig,
    TextSelectorType,
)
import probatio
from yarl import URL

from .api import (
    DsmAccountUnusableError,
    DsmApp,
    DsmClient,
    DsmError,
    DsmInvalidCredentialsError,
    DsmInvalidOtpError,
    DsmOtpRequiredError,
    DsmSslError,
    DsmSystem,
    NasInfo,
    PasswordCredentials,
)
from .const import (
    CONF_APPS,
    CONF_CHAT_DM_USERS,
    CONF_DEVICE_TOKEN,
    CONF_OTP_CODE,
    CONF_UPDATE_INTERVAL,
    DEFAULT_PORTS,
    DEFAULT_UPDATE_INTERVAL,
    DOMAIN,
    LOGGER,
    MAX_UPDATE_INTERVAL_MINUTES,
    MIN_UPDATE_INTERVAL_MINUTES,
)
from .data import DsmConfigEntry, create_client, credentials_from

if TYPE_CHECKING:
    from collections.abc import Mapping

ADDRESS_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_URL): TextSelector(
            TextSelectorConfig(type=TextSelectorType.URL)
        ),
        probatio.Required(CONF_VERIFY_SSL, default=True): BooleanSelector(),
    }
)
CREDENTIALS_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_USERNAME): TextSelector(
            TextSelectorConfig(type=TextSelectorType.TEXT, autocomplete="username")
        ),
        probatio.Required(CONF_PASSWORD): TextSelector(
            TextSelectorConfig(
                type=TextSelectorType.PASSWORD, autocomplete="current-password"
            )
        ),
    }
)
REAUTH_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_PASSWORD): TextSelector(
            TextSelectorConfig(
                type=TextSelectorType.PASSWORD, autocomplete="current-password"
            )
        ),
    }
)
OTP_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_OTP_CODE): TextSelector(
            TextSelectorConfig(type=TextSelectorType.TEXT, autocomplete="one-time-code")
        ),
    }
)

# The form a failed sign-in shows again, by step.
STEP_SCHEMAS = {
    "credentials": CREDENTIALS_SCHEMA,
    "otp": OTP_SCHEMA,
    "reauth_confirm": REAUTH_SCHEMA,
    "reconfigure": ADDRESS_SCHEMA,
}


def normalize_url(raw: str) -> str:
    """Return scheme://host[:port] for what the user typed.

    A bare host or host:port means DSM's own HTTPS port unless a port is given.
    """
    text = raw.strip()
    if "://" not in text:
        text = f"https://{text}"
    url = URL(text)
    if url.scheme not in DEFAULT_PORTS or not url.host or url.path not in ("", "/"):
        msg = "not a DSM address"
        raise ValueError(msg)
    port = url.explicit_port
    if port is None and "://" not in raw:
        port = DEFAULT_PORTS[url.scheme]
    return str(URL.build(scheme=url.scheme, host=url.host, port=port))


def unique_id_for(nas: NasInfo, account: str) -> str:
    """Identify a DSM account on a NAS; DSM user names are case-insensitive."""
    return f"{nas.serial}_{account.casefold()}"


class SynologyNativeConfigFlow(ConfigFlow, domain=DOMAIN):
    """Add a DSM account, sign in again, or move it to a new address."""

    VERSION = 1

    def __init__(self) -> None:
        """Start with nothing known."""
        self._url = ""
        self._verify_ssl = True
        self._client: DsmClient | None = None
        self._credentials: PasswordCredentials | None = None
        self._installed_apps: frozenset[DsmApp] = frozenset()

    @staticmethod
    @callback
    @override
    def async_get_options_flow(
        config_entry: DsmConfigEntry,
    ) -> SynologyNativeOptionsFlow:
        return SynologyNativeOptionsFlow()

    @override
    async def async_step_user(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the DSM address and check that it is a DSM with our apps."""
        errors: dict[str, str] = {}
        if user_input is not None:
            error = await self._async_use_address(
                user_input[CONF_URL], user_input[CONF_VERIFY_SSL]
            )
            if error is None:
                return await self.async_step_credentials()
            errors["base"] = error
        return self.async_show_form(
            step_id="user",
            data_schema=self.add_suggested_values_to_schema(ADDRESS_SCHEMA, user_input),
            errors=errors,
        )

    async def async_step_credentials(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the DSM user name and password."""
        if user_input is not None:
            return await self._async_sign_in(
                "credentials",
                PasswordCredentials(
                    account=user_input[CONF_USERNAME].strip(),
                    password=user_input[CONF_PASSWORD],
                ),
                user_input,
            )
        return self.async_show_form(
            step_id="credentials", data_schema=CREDENTIALS_SCHEMA
        )

    async def async_step_otp(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the one-time code of a 2-step verification account."""
        assert self._credentials is not None  # noqa: S101 - only reached after a sign-in
        if user_input is not None:
            return await self._async_sign_in(
                "otp", self._credentials, {}, user_input[CONF_OTP_CODE].strip()
            )
        return self.async_show_form(step_id="otp", data_schema=OTP_SCHEMA)

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Sign in again after DSM refused the stored credentials."""
        self._use_client(entry_data[CONF_URL], entry_data[CONF_VERIFY_SSL])
        return await self.async_step_reauth_confirm()

    async def async_step_reauth_confirm(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the password again; the stored device token still skips the code."""
        entry = self._get_reauth_entry()
        if user_input is not None:
            return await self._async_sign_in(
                "reauth_confirm",
                credentials_from({**entry.data, **user_input}),
                {},
            )
        return self.async_show_form(
            step_id="reauth_confirm",
            data_schema=REAUTH_SCHEMA,
            description_placeholders={CONF_USERNAME: entry.data[CONF_USERNAME]},
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Move the entry to a new DSM address or change SSL verification."""
        entry = self._get_reconfigure_entry()
        errors: dict[str, str] = {}
        if user_input is not None:
            error = await self._async_use_address(
                user_input[CONF_URL], user_input[CONF_VERIFY_SSL]
            )
            if error is None:
                return await self._async_sign_in(
                    "reconfigure", credentials_from(entry.data), {}
                )
            errors["base"] = error
        return self.async_show_form(
            step_id="reconfigure",
            data_schema=self.add_suggested_values_to_schema(
                ADDRESS_SCHEMA, user_input or entry.data
            ),
            errors=errors,
        )

    def _use_client(self, url: str, verify_ssl: bool) -> DsmClient:
        self._url, self._verify_ssl = url, verify_ssl
        self._client = create_client(self.hass, url, verify_ssl=verify_ssl)
        return self._client

    async def _async_use_address(self, raw_url: str, verify_ssl: bool) -> str | None:
        """Check the address answers as a DSM with at least one supported app."""
        try:
            url = normalize_url(raw_url)
        except ValueError:
            return "invalid_url"
        try:
            apps = await DsmSystem(self._use_client(url, verify_ssl)).apps()
        except DsmSslError:
            return "ssl_error"
        except DsmError as err:
            LOGGER.debug("%s does not answer as DSM: %s", url, err)
            return "cannot_connect"
        self._installed_apps = apps
        return None if apps else "no_apps"

    async def _async_sign_in(
        self,
        step_id: str,
        credentials: PasswordCredentials,
        user_input: dict[str, Any],
        otp_code: str | None = None,
    ) -> ConfigFlowResult:
        """Sign in, then create or update the entry; on failure show step_id again."""
        assert self._client is not None  # noqa: S101 - every step sets the client first
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        try:
            session = await self._client.login(credentials, otp_code)
            nas = await DsmSystem(self._client).info()
        except DsmOtpRequiredError:
            self._credentials = credentials
            return await self.async_step_otp()
        except DsmInvalidOtpError:
            errors["base"] = "invalid_otp"
        except DsmInvalidCredentialsError:
            errors["base"] = "invalid_auth"
        except DsmAccountUnusableError as err:
            errors["base"] = "account_unusable"
            placeholders["reason"] = err.meaning
        except DsmSslError:
            errors["base"] = "ssl_error"
        except DsmError as err:
            LOGGER.debug("Sign-in to %s failed: %s", self._url, err)
            errors["base"] = "cannot_connect"
        else:
            await self._async_sign_out()
            data = {
                CONF_URL: self._url,
                CONF_VERIFY_SSL: self._verify_ssl,
                CONF_USERNAME: credentials.account,
                CONF_PASSWORD: credentials.password,
            }
            if session.device_token:
                data[CONF_DEVICE_TOKEN] = session.device_token
            return await self._async_finish(
                unique_id_for(nas, credentials.account), data
            )
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(
                STEP_SCHEMAS[step_id], user_input
            ),
            errors=errors,
            description_placeholders=placeholders,
        )

    async def _async_sign_out(self) -> None:
        """End the flow's own session; the entry signs in by itself."""
        assert self._client is not None  # noqa: S101
        try:
            await self._client.logout()
        except DsmError as err:
            LOGGER.debug("Signing out of %s failed: %s", self._url, err)

    async def _async_finish(
        self, unique_id: str, data: dict[str, Any]
    ) -> ConfigFlowResult:
        await self.async_set_unique_id(unique_id)
        if self.source == SOURCE_REAUTH:
            self._abort_if_unique_id_mismatch(reason="wrong_account")
            return self.async_update_reload_and_abort(
                self._get_reauth_entry(), data=data
            )
        if self.source == SOURCE_RECONFIGURE:
            self._abort_if_unique_id_mismatch(reason="wrong_account")
            return self.async_update_reload_and_abort(
                self._get_reconfigure_entry(), data=data
            )
        self._abort_if_unique_id_configured()
        # Every installed app starts chosen; an app that disappears later is reported.
        return self.async_create_entry(
            title=data[CONF_USERNAME],
            data=data,
            options={CONF_APPS: sorted(self._installed_apps)},
        )


class SynologyNativeOptionsFlow(OptionsFlowWithReload):
    """Choose the apps to use and how often to poll them."""

    async def async_step_init(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Show the options; saving reloads the entry."""
        if user_input is not None:
            return self.async_create_entry(data=user_input)
        entry: DsmConfigEntry = self.config_entry
        if entry.state is not ConfigEntryState.LOADED:
            return self.async_abort(reason="not_loaded")
        installed = sorted(entry.runtime_data.installed_apps)
        schema = probatio.Schema(
            {
                probatio.Required(
                    CONF_APPS,
                    default=[
                        app
                        for app in entry.options.get(CONF_APPS, installed)
                        if app in installed
                    ],
                ): SelectSelector(
                    SelectSelectorConfig(
                        options=installed, multiple=True, translation_key=CONF_APPS
                    )
                ),
                probatio.Required(
                    CONF_UPDATE_INTERVAL,
                    default=entry.options.get(
                        CONF_UPDATE_INTERVAL,
                        DEFAULT_UPDATE_INTERVAL.total_seconds() / 60,
                    ),
                ): NumberSelector(
                    NumberSelectorConfig(
                        min=MIN_UPDATE_INTERVAL_MINUTES,
                        max=MAX_UPDATE_INTERVAL_MINUTES,
                        step=1,
                        mode=NumberSelectorMode.BOX,
                        unit_of_measurement="min",
                    )
                ),
            }
        )
        if (chat := entry.runtime_data.chat) is not None:
            # People to offer a "Chat with ..." notify entity for.
            me = chat.me.user_id if chat.me else None
            people = [
                SelectOptionDict(value=str(user.user_id), label=user.display_name)
                for user in sorted(chat.users.values(), key=lambda u: u.display_name)
                if user.type == "human" and not user.deleted and user.user_id != me
            ]
            schema = schema.extend(
                {
                    probatio.Optional(
                        CONF_CHAT_DM_USERS,
                        description={
                            "suggested_value": [
                                str(u)
                                for u in entry.options.get(CONF_CHAT_DM_USERS, [])
                            ]
                        },
                    ): SelectSelector(
                        SelectSelectorConfig(options=people, multiple=True)
                    )
                }
            )
        return self.async_show_form(step_id="init", data_schema=schema)
