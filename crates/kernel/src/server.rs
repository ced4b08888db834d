//! The kernel's sockets and the tasks that serve them: heartbeat, iopub
//! (everything the kernel publishes goes through one queue, in order),
//! control (interrupt, shutdown, kernel_info) and shell (the requests
//! that need the interpreter, one at a time). SIGINT interrupts too.
//!
//! A message that is malformed or wrongly signed is logged to standard
//! error (Jupyter's log) and ignored; only a broken socket ends the kernel.

use crate::info::kernel_info;
use crate::outputs::Outputs;
use crate::requests;
use crate::worker::Worker;
use jupyter_protocol::{
    CommInfoReply, ConnectionInfo, ExecuteReply, HistoryReply, InterruptReply, IoPubWelcome,
    JupyterMessage, JupyterMessageContent, ReplyError, ReplyStatus, ShutdownReply, Status,
};
use jupyter_zmq_client::{
    create_kernel_control_connection, create_kernel_heartbeat_connection,
    create_kernel_iopub_xpub_connection, create_kernel_shell_connection,
    create_kernel_stdin_connection, KernelIoPubXPubConnection, RouterSendConnection, RuntimeError,
    SubscriptionEvent,
};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver, UnboundedSender};

/// Serves the kernel on the connection's ports until a shutdown request.
pub(crate) async fn serve(info: ConnectionInfo) -> Result<(), String> {
    let session = uuid::Uuid::new_v4().to_string();
    let bind = |what: &str, e: RuntimeError| format!("cannot open the {what} socket: {e}");
    let mut heartbeat = create_kernel_heartbeat_connection(&info)
        .await
        .map_err(|e| bind("heartbeat", e))?;
    let (shell_out, mut shell_in) = create_kernel_shell_connection(&info, &session)
        .await
        .map_err(|e| bind("shell", e))?
        .split();
    let control = create_kernel_control_connection(&info, &session)
        .await
        .map_err(|e| bind("control", e))?;
    // Nothing is read from standard input (`input` is not a builtin), but
    // the frontend expects the socket.
    let _stdin = create_kernel_stdin_connection(&info, &session)
        .await
        .map_err(|e| bind("stdin", e))?;
    let iopub = create_kernel_iopub_xpub_connection(&info, &session)
        .await
        .map_err(|e| bind("iopub", e))?;

    let (publish, queue) = unbounded_channel();
    tokio::spawn(publish_all(iopub, queue));
    tokio::spawn(async move {
        while heartbeat.single_heartbeat().await.is_ok() {}
        eprintln!("mla kernel: the heartbeat socket closed");
    });
    let worker = Arc::new(Worker::start(Outputs::new(publish.clone()))?);
    interrupt_on_sigint(worker.clone());
    let (stop, mut stopped) = unbounded_channel::<()>();
    tokio::spawn(serve_control(
        control,
        worker.clone(),
        publish.clone(),
        stop.clone(),
    ));
    let mut shell = Shell {
        out: shell_out,
        worker,
        publish,
        stop,
    };
    loop {
        tokio::select! {
            read = shell_in.read() => match read {
                Ok(message) => shell.handle(message).await,
                Err(e) if is_fatal(&e) => return Err(format!("the shell socket failed: {e}")),
                Err(e) => eprintln!("mla kernel: ignored a shell message: {e}"),
            },
            _ = stopped.recv() => break,
        }
    }
    // Let the shutdown reply leave before the process ends.
    tokio::time::sleep(Duration::from_millis(100)).await;
    Ok(())
}

/// A socket that failed, as opposed to one bad message.
fn is_fatal(e: &RuntimeError) -> bool {
    matches!(e, RuntimeError::ZmqError(_) | RuntimeError::IoError(_))
}

/// Publishes the queued messages in order, and greets each subscriber
/// (`iopub_welcome`, JEP 65) so a client knows its subscription holds.
async fn publish_all(
    mut iopub: KernelIoPubXPubConnection,
    mut queue: UnboundedReceiver<JupyterMessage>,
) {
    loop {
        tokio::select! {
            message = queue.recv() => {
                let Some(message) = message else { return };
                if let Err(e) = iopub.send(message).await {
                    eprintln!("mla kernel: cannot publish a message: {e}");
                }
            }
            event = iopub.recv_subscription() => match event {
                Ok(SubscriptionEvent::Subscribe(topic)) => {
                    if let Err(e) = iopub.send(IoPubWelcome::new(topic).into()).await {
                        eprintln!("mla kernel: cannot welcome a subscriber: {e}");
                    }
                }
                Ok(SubscriptionEvent::Unsubscribe(_)) => {}
                Err(e) => {
                    eprintln!("mla kernel: ignored a subscription message: {e}");
                    // A broken socket must not spin.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
    }
}

/// Jupyter's "signal" interrupt mode: SIGINT stops the running cell and
/// never the kernel.
fn interrupt_on_sigint(worker: Arc<Worker>) {
    #[cfg(unix)]
    tokio::spawn(async move {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::interrupt()) {
            Ok(mut sigint) => {
                while sigint.recv().await.is_some() {
                    worker.interrupt();
                }
            }
            Err(e) => eprintln!("mla kernel: cannot listen for SIGINT: {e}"),
        }
    });
    #[cfg(not(unix))]
    drop(worker);
}

/// The control channel: answered even while a cell runs.
async fn serve_control(
    mut control: jupyter_zmq_client::KernelControlConnection,
    worker: Arc<Worker>,
    publish: UnboundedSender<JupyterMessage>,
    stop: UnboundedSender<()>,
) {
    loop {
        let message = match control.read().await {
            Ok(message) => message,
            Err(e) if is_fatal(&e) => {
                eprintln!("mla kernel: the control socket failed: {e}");
                return;
            }
            Err(e) => {
                eprintln!("mla kernel: ignored a control message: {e}");
                continue;
            }
        };
        let reply = match &message.content {
            JupyterMessageContent::KernelInfoRequest(_) => kernel_info().as_child_of(&message),
            JupyterMessageContent::InterruptRequest(_) => {
                worker.interrupt();
                InterruptReply::new().as_child_of(&message)
            }
            JupyterMessageContent::ShutdownRequest(req) => {
                worker.interrupt();
                let reply = shutdown_reply(req.restart, &message, &publish);
                let _ = control.send(reply).await;
                let _ = stop.send(());
                return;
            }
            other => {
                eprintln!(
                    "mla kernel: no answer to `{}` on control",
                    other.message_type()
                );
                continue;
            }
        };
        if let Err(e) = control.send(reply).await {
            eprintln!("mla kernel: cannot reply on control: {e}");
        }
    }
}

/// The reply to a shutdown request, also published for other frontends.
fn shutdown_reply(
    restart: bool,
    parent: &JupyterMessage,
    publish: &UnboundedSender<JupyterMessage>,
) -> JupyterMessage {
    let reply = ShutdownReply {
        restart,
        status: ReplyStatus::Ok,
        error: None,
    };
    let _ = publish.send(reply.as_child_of(parent));
    reply.as_child_of(parent)
}

/// The shell channel's requests, answered in order.
struct Shell {
    out: RouterSendConnection,
    worker: Arc<Worker>,
    publish: UnboundedSender<JupyterMessage>,
    stop: UnboundedSender<()>,
}

impl Shell {
    async fn handle(&mut self, message: JupyterMessage) {
        let _ = self.publish.send(Status::busy().as_child_of(&message));
        let reply = self.reply_to(&message).await;
        if let Some(reply) = reply {
            if let Err(e) = self
                .out
                .send(JupyterMessage::new(reply, Some(&message)))
                .await
            {
                eprintln!("mla kernel: cannot reply on shell: {e}");
            }
        }
        let _ = self.publish.send(Status::idle().as_child_of(&message));
    }

    async fn reply_to(&mut self, message: &JupyterMessage) -> Option<JupyterMessageContent> {
        let worker = &self.worker;
        let lost = || eprintln!("mla kernel: the interpreter's thread lost a request");
        let reply: JupyterMessageContent = match &message.content {
            JupyterMessageContent::KernelInfoRequest(_) => kernel_info().into(),
            JupyterMessageContent::ExecuteRequest(req) => {
                let (req, parent) = (req.clone(), message.clone());
                match worker.ask(move |s| s.execute(&req, &parent)).await {
                    Some(reply) => reply.into(),
                    None => {
                        lost();
                        internal_error().into()
                    }
                }
            }
            JupyterMessageContent::CompleteRequest(req) => {
                let req = req.clone();
                worker
                    .ask(move |s| requests::complete(&s.mla, &req))
                    .await?
                    .into()
            }
            JupyterMessageContent::InspectRequest(req) => {
                let req = req.clone();
                worker
                    .ask(move |s| requests::inspect(&mut s.mla, &req))
                    .await?
                    .into()
            }
            JupyterMessageContent::IsCompleteRequest(req) => {
                let code = req.code.clone();
                worker
                    .ask(move |_| requests::is_complete(&code))
                    .await?
                    .into()
            }
            JupyterMessageContent::HistoryRequest(_) => HistoryReply {
                history: Vec::new(),
                status: ReplyStatus::Ok,
                error: None,
            }
            .into(),
            JupyterMessageContent::CommInfoRequest(_) => CommInfoReply {
                status: ReplyStatus::Ok,
                comms: Default::default(),
                error: None,
            }
            .into(),
            // Older frontends send shutdown on shell.
            JupyterMessageContent::ShutdownRequest(req) => {
                worker.interrupt();
                let reply = shutdown_reply(req.restart, message, &self.publish);
                let _ = self.stop.send(());
                reply.content
            }
            other => {
                eprintln!("mla kernel: no answer to `{}`", other.message_type());
                return None;
            }
        };
        Some(reply)
    }
}

/// The execute reply when the interpreter's thread lost the request.
fn internal_error() -> ExecuteReply {
    ExecuteReply {
        status: ReplyStatus::Error,
        error: Some(Box::new(ReplyError {
            ename: "InternalError".into(),
            evalue: "the kernel failed to run the cell (please report this)".into(),
            traceback: Vec::new(),
        })),
        ..ExecuteReply::default()
    }
}
