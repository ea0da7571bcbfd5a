using Npgsql;

namespace Doctolib.Telehealth.Rooms;

/// <summary>One outbox entry, in the order it was written.</summary>
public sealed record OutboxEntry(long Sequence, Guid EventId, ConsultationEvent Event);

/// <summary>The outbox's wake-up: every transaction that writes an entry notifies channel <c>rooms_outbox</c> (payload:
/// the appointment id), which PostgreSQL delivers when (and only if) it commits, so a consumer can <c>LISTEN</c>
/// instead of polling.</summary>
public static class ConsultationOutboxChannel
{
    public const string Name = "rooms_outbox";
}

/// <summary>The consumer side of the Rooms outbox. Several processes may call it at once: each entry is handed to
/// exactly one caller at a time (row lock, SKIP LOCKED) and is marked processed in the same transaction the
/// handler writes in, so the handler's own writes and the "processed" mark commit or roll back together.</summary>
public interface IConsultationOutbox
{
    /// <summary>Claims the oldest unprocessed entry, runs <paramref name="handler"/> inside the claiming transaction
    /// (the handler may write to its own schema through <c>transaction.Connection</c>), marks the entry processed and
    /// commits. Returns false when there was nothing to process. If the handler throws, nothing is committed.</summary>
    Task<bool> ProcessNextAsync(
        Func<OutboxEntry, NpgsqlTransaction, CancellationToken, Task> handler,
        CancellationToken cancellationToken);
}
