using System.Text.Json;
using Dapper;
using Npgsql;

namespace Doctolib.Telehealth.Rooms.Internal;

/// <summary>The outbox's consumer side. An entry is eligible only when no older entry of the same appointment is
/// still pending, so a consumer never sees a consultation's end before its admission, even with several workers.</summary>
internal sealed class OutboxStore(NpgsqlDataSource dataSource, TimeProvider time) : IConsultationOutbox
{
    public async Task<bool> ProcessNextAsync(
        Func<OutboxEntry, NpgsqlTransaction, CancellationToken, Task> handler, CancellationToken cancellationToken)
    {
        await using var db = await Db.BeginAsync(dataSource, cancellationToken);
        var row = await db.Connection.QuerySingleOrDefaultAsync<(long Seq, Guid EventId, string Payload)?>(new CommandDefinition(
            """
            SELECT o.seq, o.event_id, o.payload::text FROM rooms.outbox o
            WHERE o.processed_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM rooms.outbox older WHERE older.appointment_id = o.appointment_id
                              AND older.processed_at IS NULL AND older.seq < o.seq)
            ORDER BY o.seq LIMIT 1 FOR UPDATE SKIP LOCKED
            """,
            transaction: db.Transaction, cancellationToken: cancellationToken));
        if (row is not { } entry)
        {
            return false;
        }
        var consultationEvent = JsonSerializer.Deserialize<ConsultationEvent>(entry.Payload, RoomsJson.Options)
            ?? throw new InvalidOperationException($"Outbox entry {entry.Seq} holds no event.");
        await handler(new OutboxEntry(entry.Seq, entry.EventId, consultationEvent), db.Transaction, cancellationToken);
        await db.Connection.ExecuteAsync(new CommandDefinition(
            "UPDATE rooms.outbox SET processed_at = @now WHERE seq = @seq",
            new { seq = entry.Seq, now = time.GetUtcNow().UtcDateTime }, db.Transaction, cancellationToken: cancellationToken));
        await db.CommitAsync(cancellationToken);
        return true;
    }
}
