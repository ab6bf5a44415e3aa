//! The relay server, for real: your `relay_server` (or, with
//! `--features solutions`, the reference one) on a TCP address.
//!
//! ```text
//! cargo run --example relay -- 127.0.0.1:7878
//! ```
//!
//! Then, in two or more other terminals, `nc 127.0.0.1 7878` (or `telnet
//! 127.0.0.1 7878`), and type. Ctrl-C shuts the server down gracefully:
//! every client is said goodbye to, and the program exits with status 0.
//! Without an address it prints how to use it, and exits.

#[cfg_attr(not(feature = "solutions"), path = "../exercises/src/relay_server.rs")]
#[cfg_attr(feature = "solutions", path = "../solutions/src/relay_server.rs")]
mod relay_server;

use std::process::ExitCode;

use relay_server::Config;
use tokio::net::TcpListener;
use tokio_util::sync::CancellationToken;

#[tokio::main]
async fn main() -> ExitCode {
    let Some(address) = std::env::args().nth(1) else {
        println!(
            "usage: cargo run --example relay -- <address>, e.g. 127.0.0.1:7878\n\
             then `nc 127.0.0.1 7878` in two other terminals; Ctrl-C stops the server"
        );
        return ExitCode::SUCCESS;
    };
    let listener = match TcpListener::bind(&address).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("cannot listen on {address}: {error}");
            return ExitCode::FAILURE;
        }
    };
    let config = Config::default();
    println!(
        "relaying lines on {address} (lines of at most {} bytes, idle after {:?}); \
         Ctrl-C to stop",
        config.max_line, config.idle
    );

    let shutdown = CancellationToken::new();
    let on_ctrl_c = shutdown.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            println!("shutting down: saying goodbye to every client");
            on_ctrl_c.cancel();
        }
    });
    relay_server::serve(listener, config, shutdown).await;
    println!("stopped");
    ExitCode::SUCCESS
}
