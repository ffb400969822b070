//! The ways in, before any profile exists: each command is one call to the
//! insurer at `server` (the demo insurer's, or the member's own).

use kenpo_core::client::{ClientError, InsurerClient};
use kenpo_domain::api::{
    AccountSetupRequest, AuthKeyRequest, AuthKeyResponse, Captcha, DependentRegistrationRequest,
    IdentityRequest, IdentityResponse, InsurerInfo, MemberCreated, PasswordResetCompletion, Secret,
};
use tauri::State;

use crate::{AppState, CommandError};

fn client(server: &str) -> Result<InsurerClient, CommandError> {
    InsurerClient::new(server).map_err(wire)
}

fn wire(err: ClientError) -> CommandError {
    CommandError::from(err)
}

/// The insurer's settings (name, ways in, password policy, entry window).
#[tauri::command]
#[specta::specta]
pub async fn insurer_get(server: String) -> Result<InsurerInfo, CommandError> {
    client(&server)?.insurer().await.map_err(wire)
}

/// Step 1: the insurer mails a link to `email` (the same answer whether or
/// not the address is known).
#[tauri::command]
#[specta::specta]
pub async fn registration_start(server: String, email: String) -> Result<(), CommandError> {
    client(&server)?
        .registration_start(&email)
        .await
        .map_err(wire)
}

/// A captcha image (base64 PNG); calling again is the refresh.
#[tauri::command]
#[specta::specta]
pub async fn captcha_get(server: String) -> Result<Captcha, CommandError> {
    client(&server)?.captcha().await.map_err(wire)
}

/// Step 2: identity; answers the 8-digit auth key, shown once.
#[tauri::command]
#[specta::specta]
pub async fn registration_identity(
    server: String,
    request: IdentityRequest,
) -> Result<IdentityResponse, CommandError> {
    client(&server)?
        .registration_identity(&request)
        .await
        .map_err(wire)
}

/// Step 3: the auth key with the second link's token.
#[tauri::command]
#[specta::specta]
pub async fn registration_auth_key(
    server: String,
    request: AuthKeyRequest,
) -> Result<AuthKeyResponse, CommandError> {
    client(&server)?
        .registration_auth_key(&request)
        .await
        .map_err(wire)
}

/// Step 4: the account.
#[tauri::command]
#[specta::specta]
pub async fn registration_account(
    server: String,
    request: AccountSetupRequest,
) -> Result<MemberCreated, CommandError> {
    client(&server)?
        .registration_account(&request)
        .await
        .map_err(wire)
}

/// A dependent spouse's registration with their card.
#[tauri::command]
#[specta::specta]
pub async fn registration_dependent(
    server: String,
    request: DependentRegistrationRequest,
) -> Result<MemberCreated, CommandError> {
    client(&server)?
        .registration_dependent(&request)
        .await
        .map_err(wire)
}

/// "Forgot password": a reset link goes to the account's notification address.
#[tauri::command]
#[specta::specta]
pub async fn password_reset_start(server: String, login_id: String) -> Result<(), CommandError> {
    client(&server)?
        .password_reset_start(&login_id)
        .await
        .map_err(wire)
}

#[tauri::command]
#[specta::specta]
pub async fn password_reset_complete(
    server: String,
    request: PasswordResetCompletion,
) -> Result<(), CommandError> {
    client(&server)?
        .password_reset_complete(&request)
        .await
        .map_err(wire)
}

/// Changes the logged-in member's password.
#[tauri::command]
#[specta::specta]
pub async fn password_change(
    state: State<'_, AppState>,
    current_password: String,
    new_password: String,
) -> Result<(), CommandError> {
    Ok(state
        .desk
        .change_password(&Secret::new(current_password), &Secret::new(new_password))
        .await?)
}
