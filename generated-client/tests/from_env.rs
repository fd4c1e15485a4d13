//! `Client::from_env`. The only test in its binary, since it changes the
//! process environment.

use segmind::{runtime::API_KEY_ENV, Client, Error};

fn config_message(result: Result<Client, Error>) -> String {
    match result {
        Err(Error::Config { message, .. }) => message,
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

#[test]
fn from_env_needs_a_non_empty_key() {
    std::env::remove_var(API_KEY_ENV);
    let message = config_message(Client::from_env());
    assert!(message.contains("SEGMIND_API_KEY"), "{message}");

    std::env::set_var(API_KEY_ENV, "  \n");
    let message = config_message(Client::from_env());
    assert!(
        message.contains("SEGMIND_API_KEY environment variable is empty"),
        "{message}"
    );

    std::env::set_var(API_KEY_ENV, "sk-from-env\n");
    let client = Client::from_env().unwrap();
    assert!(!format!("{client:?}").contains("sk-from-env"));

    // An explicit key wins over the environment.
    std::env::remove_var(API_KEY_ENV);
    Client::builder().api_key("explicit").build().unwrap();
}
