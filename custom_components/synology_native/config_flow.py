"""Config flow: DSM address, then password or Synology SSO Server sign-in.

Password sign-in asks for a one-time code when DSM wants one. SSO sign-in is an OpenID
Connect authorization code flow through Home Assistant's OAuth2 machinery: a PKCE
implementation made at run time for the SSO Server the user names (no application
credentials), Home Assistant's signed ``state`` and its callback view. The
implementation is handed to the flow directly and not put in Home Assistant's registry:
with no refresh token there is nothing for an OAuth2 session to look it up for later.
The code is redeemed by the client (api/sso.py) rather than by Home Assistant's token
request, because that request always verifies certificates with Home Assistant's default
context, while the entry's own setting must apply (DSM often uses a self-signed one).
"""

import logging
import secrets
from typing import TYPE_CHECKING, Any, override

from homeassistant.config_entries import (
    SOURCE_REAUTH,
    SOURCE_RECONFIGURE,
    ConfigEntryState,
    ConfigFlowResult,
    OptionsFlowWithReload,
)
from homeassistant.const import (
    CONF_CLIENT_ID,
    CONF_CLIENT_SECRET,
    CONF_PASSWORD,
    CONF_URL,
    CONF_USERNAME,
    CONF_VERIFY_SSL,
)
from homeassistant.core import HomeAssistant, callback
from homeassistant.data_entry_flow import AbortFlow
from homeassistant.helpers.aiohttp_client import async_get_clientsession
from homeassistant.helpers.config_entry_oauth2_flow import (
    AbstractOAuth2FlowHandler,
    LocalOAuth2ImplementationWithPkce,
    async_get_redirect_uri,
)
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
    DsmHttpError,
    DsmInvalidCredentialsError,
    DsmInvalidOtpError,
    DsmOtpRequiredError,
    DsmSession,
    DsmSslError,
    DsmSsoRefusedError,
    DsmSystem,
    NasInfo,
    PasswordCredentials,
    SsoApplication,
    SsoClient,
    SsoIdTokenError,
    SsoIssuerMismatchError,
    SsoProvider,
    SsoResponseError,
    SsoTokenRequestError,
    SsoTokens,
    exchange_sso_sign_in,
)
from .api.sso import SCOPES
from .const import (
    CONF_APPS,
    CONF_AUTH_METHOD,
    CONF_CHAT_DM_USERS,
    CONF_DEVICE_TOKEN,
    CONF_DRIVE_PUSH,
    CONF_OTP_CODE,
    CONF_SESSION_ID,
    CONF_SSO_URL,
    CONF_SYNOTOKEN,
    CONF_UPDATE_INTERVAL,
    DEFAULT_PORTS,
    DEFAULT_UPDATE_INTERVAL,
    DOMAIN,
    LOGGER,
    MAX_UPDATE_INTERVAL_MINUTES,
    MIN_UPDATE_INTERVAL_MINUTES,
    AuthMethod,
)
from .data import DsmConfigEntry, auth_method_of, create_client, credentials_from

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

# Translations may not contain URLs; the example address comes in as a placeholder.
ADDRESS_PLACEHOLDERS = {"example_url": "https://nas.local:5001"}

SSO_SCHEMA = probatio.Schema(
    {
        probatio.Required(CONF_SSO_URL): TextSelector(
            TextSelectorConfig(type=TextSelectorType.URL)
        ),
        probatio.Required(CONF_CLIENT_ID): TextSelector(),
        probatio.Optional(CONF_CLIENT_SECRET): TextSelector(
            TextSelectorConfig(type=TextSelectorType.PASSWORD)
        ),
    }
)
REAUTH_SSO_SCHEMA = probatio.Schema({})

# The form a failed sign-in shows again, by step.
STEP_SCHEMAS = {
    "credentials": CREDENTIALS_SCHEMA,
    "otp": OTP_SCHEMA,
    "reauth_confirm": REAUTH_SCHEMA,
    "sso": SSO_SCHEMA,
    "reauth_sso": REAUTH_SSO_SCHEMA,
}
SIGN_IN_METHODS = ["credentials", "sso"]
# Token endpoint errors that mean the application id or secret is wrong (auth.md §7.2).
CLIENT_ERRORS = frozenset({"invalid_app_id", "invalid_client", "unauthorized_client"})


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


class SsoServerImplementation(LocalOAuth2ImplementationWithPkce):
    """Home Assistant's PKCE authorization request for one SSO Server application.

    Made per sign-in from the discovery document; it adds the OpenID Connect scopes and
    a fresh ``nonce`` that the ID token must echo.
    """

    def __init__(
        self,
        hass: HomeAssistant,
        client: SsoClient,
        provider: SsoProvider,
        application: SsoApplication,
    ) -> None:
        """Authorize at the provider's endpoints as application."""
        super().__init__(
            hass,
            f"{DOMAIN}_sso",
            application.client_id,
            provider.authorization_endpoint,
            provider.token_endpoint,
            client_secret=application.client_secret or "",
        )
        self.client = client
        self.provider = provider
        self.application = application
        self.nonce = secrets.token_urlsafe(32)

    @property
    @override
    def extra_authorize_data(self) -> dict[str, str]:
        return {"scope": SCOPES, "nonce": self.nonce, **super().extra_authorize_data}


class SynologyNativeConfigFlow(AbstractOAuth2FlowHandler, domain=DOMAIN):
    """Add a DSM account, sign in again, or move it to a new address or sign-in."""

    DOMAIN = DOMAIN
    VERSION = 1

    def __init__(self) -> None:
        """Start with nothing known."""
        super().__init__()
        self._url = ""
        self._verify_ssl = True
        self._client: DsmClient | None = None
        self._credentials: PasswordCredentials | None = None
        self._installed_apps: frozenset[DsmApp] = frozenset()
        # The SSO sign-in under way, and the form that started it.
        self._sso: SsoServerImplementation | None = None
        self._sso_step = "sso"
        self._sso_input: dict[str, Any] = {}
        # The DSM account a verified SSO sign-in named, offered for password sign-in.
        self._account: str | None = None

    @property
    @override
    def logger(self) -> logging.Logger:
        return LOGGER

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
        return await self._async_address_step("user", user_input, user_input)

    async def async_step_sign_in_method(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Offer password or SSO Server sign-in once the address is known."""
        return self.async_show_menu(
            step_id="sign_in_method", menu_options=SIGN_IN_METHODS
        )

    async def async_step_credentials(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask for the DSM user name and password."""
        if user_input is not None:
            account = user_input[CONF_USERNAME].strip()
            return await self._async_sign_in(
                "credentials",
                PasswordCredentials(
                    account=account,
                    password=user_input[CONF_PASSWORD],
                    device_token=self._known_device_token(account),
                ),
                user_input,
            )
        return self.async_show_form(
            step_id="credentials",
            data_schema=self.add_suggested_values_to_schema(
                CREDENTIALS_SCHEMA, self._suggested_account()
            ),
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

    async def async_step_sso(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Ask where SSO Server is and which application Home Assistant is there."""
        if user_input is None:
            return self._sso_form("sso", self._suggested_sso_settings(), {})
        try:
            sso_url = normalize_url(user_input[CONF_SSO_URL])
        except ValueError:
            return self._sso_form("sso", user_input, {"base": "invalid_url"})
        secret = user_input.get(CONF_CLIENT_SECRET) or None
        application = SsoApplication(user_input[CONF_CLIENT_ID].strip(), secret)
        return await self._async_start_sso("sso", user_input, sso_url, application)

    async def async_step_reauth(
        self, entry_data: Mapping[str, Any]
    ) -> ConfigFlowResult:
        """Sign in again after DSM refused the stored credentials or ended the session."""
        self._use_client(entry_data[CONF_URL], entry_data[CONF_VERIFY_SSL])
        if auth_method_of(entry_data) is AuthMethod.SSO:
            return await self.async_step_reauth_sso()
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
            description_placeholders=self._placeholders(),
        )

    async def async_step_reauth_sso(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Sign in through SSO Server again: one click while still signed in there."""
        if user_input is None:
            return self._sso_form("reauth_sso", {}, {})
        data = self._get_reauth_entry().data
        application = SsoApplication(data[CONF_CLIENT_ID], data.get(CONF_CLIENT_SECRET))
        return await self._async_start_sso(
            "reauth_sso", {}, data[CONF_SSO_URL], application
        )

    async def async_step_reconfigure(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Move the entry to a new DSM address, SSL setting or sign-in method."""
        return await self._async_address_step(
            "reconfigure", user_input, user_input or self._get_reconfigure_entry().data
        )

    async def _async_address_step(
        self,
        step_id: str,
        user_input: dict[str, Any] | None,
        suggested: Mapping[str, Any] | None,
    ) -> ConfigFlowResult:
        """Check the address entered in step_id, then ask how to sign in."""
        errors: dict[str, str] = {}
        if user_input is not None:
            error = await self._async_use_address(
                user_input[CONF_URL], user_input[CONF_VERIFY_SSL]
            )
            if error is None:
                return await self.async_step_sign_in_method()
            errors["base"] = error
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(ADDRESS_SCHEMA, suggested),
            errors=errors,
            description_placeholders=self._placeholders(),
        )

    def _placeholders(self) -> dict[str, str]:
        """Return what the texts of this flow's forms refer to."""
        placeholders = dict(ADDRESS_PLACEHOLDERS)
        if self.source == SOURCE_REAUTH:
            placeholders[CONF_USERNAME] = self._get_reauth_entry().data[CONF_USERNAME]
        return placeholders

    @override
    async def async_step_creation(
        self, user_input: dict[str, Any] | None = None
    ) -> ConfigFlowResult:
        """Redeem the code SSO Server sent back and verify the ID token it yields."""
        sso = self._sso
        assert sso is not None  # noqa: S101 - the callback follows _async_start_sso
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        try:
            tokens = await sso.client.redeem_code(
                sso.provider,
                sso.application,
                code=self.external_data["code"],
                redirect_uri=self.external_data["state"]["redirect_uri"],
                code_verifier=sso.code_verifier,
            )
            account = await sso.client.verify_id_token(
                sso.provider, sso.application, tokens.id_token, nonce=sso.nonce
            )
        except SsoTokenRequestError as err:
            if err.error in CLIENT_ERRORS:
                errors["base"] = "invalid_client"
            elif err.error == "invalid_grant":
                errors["base"] = "code_refused"
            else:
                errors["base"] = "sso_refused"
                placeholders["error"] = err.error
        except SsoIdTokenError as err:
            errors["base"] = "invalid_id_token"
            placeholders["reason"] = str(err.problem)
        except DsmError as err:
            errors["base"] = _connection_error(err)
        else:
            return await self._async_open_sso_session(sso, tokens, account)
        return self._sso_form(self._sso_step, self._sso_input, errors, placeholders)

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

    def _existing_entry_data(self) -> Mapping[str, Any]:
        """Return the data of the entry being reauthenticated or reconfigured."""
        if self.source == SOURCE_REAUTH:
            return self._get_reauth_entry().data
        if self.source == SOURCE_RECONFIGURE:
            return self._get_reconfigure_entry().data
        return {}

    def _suggested_account(self) -> dict[str, str] | None:
        account = self._account or self._existing_entry_data().get(CONF_USERNAME)
        return {CONF_USERNAME: account} if account else None

    def _known_device_token(self, account: str) -> str | None:
        """Reuse the entry's device token when the same DSM user signs in again."""
        data = self._existing_entry_data()
        if str(data.get(CONF_USERNAME, "")).casefold() != account.casefold():
            return None
        return data.get(CONF_DEVICE_TOKEN)

    def _suggested_sso_settings(self) -> dict[str, Any]:
        """Suggest the DSM address, or what an SSO entry used before."""
        data = self._existing_entry_data()
        suggested: dict[str, Any] = {CONF_SSO_URL: data.get(CONF_SSO_URL, self._url)}
        if CONF_CLIENT_ID in data:
            suggested[CONF_CLIENT_ID] = data[CONF_CLIENT_ID]
        return suggested

    def _sso_form(
        self,
        step_id: str,
        user_input: Mapping[str, Any],
        errors: dict[str, str],
        placeholders: dict[str, str] | None = None,
    ) -> ConfigFlowResult:
        """Show an SSO step with the redirect URI to register and the account's name."""
        shown = dict(placeholders or {})
        if step_id == "sso":
            shown["redirect_uri"] = async_get_redirect_uri(self.hass)
        else:
            shown[CONF_USERNAME] = self._get_reauth_entry().data[CONF_USERNAME]
        return self.async_show_form(
            step_id=step_id,
            data_schema=self.add_suggested_values_to_schema(
                STEP_SCHEMAS[step_id], user_input
            ),
            errors=errors,
            description_placeholders=shown,
        )

    async def _async_start_sso(
        self,
        step_id: str,
        user_input: dict[str, Any],
        sso_url: str,
        application: SsoApplication,
    ) -> ConfigFlowResult:
        """Discover SSO Server, then send the user there to sign in."""
        self._sso_step, self._sso_input = step_id, user_input
        client = SsoClient(
            async_get_clientsession(self.hass, verify_ssl=self._verify_ssl),
            sso_url,
            verify_ssl=self._verify_ssl,
        )
        errors: dict[str, str] = {}
        placeholders: dict[str, str] = {}
        try:
            provider = await client.discover()
        except SsoIssuerMismatchError as err:
            errors["base"] = "issuer_mismatch"
            placeholders["issuer"] = err.advertised
        except (DsmHttpError, SsoResponseError) as err:
            LOGGER.debug("No OpenID Connect discovery at %s: %s", sso_url, err)
            errors["base"] = "sso_unavailable"
        except DsmError as err:
            errors["base"] = _connection_error(err)
        else:
            self._sso = SsoServerImplementation(
                self.hass, client, provider, application
            )
            self.flow_impl = self._sso
            return await self.async_step_auth()
        return self._sso_form(step_id, user_input, errors, placeholders)

    async def _async_open_sso_session(
        self, sso: SsoServerImplementation, tokens: SsoTokens, account: str
    ) -> ConfigFlowResult:
        """Turn the verified sign-in into a DSM session and keep it in the entry."""
        assert self._client is not None  # noqa: S101 - every step sets the client first
        try:
            session = await exchange_sso_sign_in(self._client, tokens, account)
            nas = await DsmSystem(self._client).info()
        except DsmSsoRefusedError as err:
            LOGGER.debug("%s refused the SSO sign-in: %s", self._url, err)
            self._account = account
            return self.async_show_form(
                step_id="credentials",
                data_schema=self.add_suggested_values_to_schema(
                    CREDENTIALS_SCHEMA, {CONF_USERNAME: account}
                ),
                errors={"base": "sso_not_accepted"},
            )
        except DsmError as err:
            await self._async_sign_out()
            return self._sso_form(
                self._sso_step, self._sso_input, {"base": _connection_error(err)}
            )
        data = {
            CONF_URL: self._url,
            CONF_VERIFY_SSL: self._verify_ssl,
            CONF_AUTH_METHOD: AuthMethod.SSO,
            CONF_USERNAME: account,
            CONF_SSO_URL: sso.client.url,
            CONF_CLIENT_ID: sso.application.client_id,
            **_sso_session_data(session),
        }
        if sso.application.client_secret:
            data[CONF_CLIENT_SECRET] = sso.application.client_secret
        try:
            return await self._async_finish(nas, data)
        except AbortFlow:
            # Another entry has this account, or reauth found another one.
            await self._async_sign_out()
            raise

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
        placeholders = self._placeholders()
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
        except DsmError as err:
            errors["base"] = _connection_error(err)
        else:
            await self._async_sign_out()
            data = {
                CONF_URL: self._url,
                CONF_VERIFY_SSL: self._verify_ssl,
                CONF_AUTH_METHOD: AuthMethod.PASSWORD,
                CONF_USERNAME: credentials.account,
                CONF_PASSWORD: credentials.password,
            }
            if session.device_token:
                data[CONF_DEVICE_TOKEN] = session.device_token
            return await self._async_finish(nas, data)
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
        self, nas: NasInfo, data: dict[str, Any]
    ) -> ConfigFlowResult:
        await self.async_set_unique_id(unique_id_for(nas, data[CONF_USERNAME]))
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
            title=f"{nas.model} {data[CONF_USERNAME]}",
            data=data,
            options={CONF_APPS: sorted(self._installed_apps)},
        )


def _connection_error(err: DsmError) -> str:
    """Name the form error for a failure to reach DSM or SSO Server."""
    if isinstance(err, DsmSslError):
        return "ssl_error"
    LOGGER.debug("Talking to the NAS failed: %s", err)
    return "cannot_connect"


def _sso_session_data(session: DsmSession) -> dict[str, str]:
    """Return what an SSO entry keeps of its DSM session."""
    data = {CONF_SESSION_ID: session.sid}
    if session.synotoken:
        data[CONF_SYNOTOKEN] = session.synotoken
    if session.device_token:
        data[CONF_DEVICE_TOKEN] = session.device_token
    return data


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
        if entry.runtime_data.drive is not None:
            schema = schema.extend(
                {
                    probatio.Required(
                        CONF_DRIVE_PUSH,
                        default=entry.options.get(CONF_DRIVE_PUSH, False),
                    ): BooleanSelector()
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
