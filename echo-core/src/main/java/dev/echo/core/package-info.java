/**
 * The echo protocol, apart from any server or client: the wire contract (the generated messages in
 * {@link dev.echo.core.proto}), the two framings' readers and writers with their size limit and
 * shared buffer budget, the typed framing failures, and the rules every server shares, once: what a
 * request is answered ({@link dev.echo.core.RequestHandler}), which failure gets which error code and
 * whether the connection ends ({@link dev.echo.core.FrameFailure}), which code refuses a client
 * ({@link dev.echo.core.Refusal}), the kinds of request ({@link dev.echo.core.RequestKind}) and
 * which error answers count as answering one ({@link dev.echo.core.ErrorCodes}), how messages are built and
 * checked ({@link dev.echo.core.Messages}, {@link dev.echo.core.AnswerCheck}). It must not know
 * sockets, threads, connections, logging or any module above it (server, client, bench): it works
 * on streams and messages only.
 */
package dev.echo.core;
