using Doctolib.Telehealth.Rooms;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Doctolib.Telehealth.Billing.Processing;

/// <summary>Wakes idle worker loops as soon as new work is committed, on any instance: billing's writers run
/// <c>NOTIFY billing_work</c> in their transaction and the Rooms outbox runs <c>NOTIFY rooms_outbox</c> in its own
/// (PostgreSQL delivers both at commit); one listening connection per instance turns them into a signal. A slow
/// safety poll stays as the fallback for a notification lost while that connection was down.</summary>
internal sealed class WorkSignal(NpgsqlDataSource dataSource, ILogger<WorkSignal> logger) : IDisposable
{
    public const string Channel = "billing_work";
    private readonly SemaphoreSlim signal = new(0, int.MaxValue);

    /// <summary>Queues the notification in <paramref name="tx"/>; it is sent only if the transaction commits.</summary>
    public static async Task NotifyAsync(NpgsqlTransaction tx, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand($"NOTIFY {Channel}", tx.Connection, tx);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Waits for a signal or until <paramref name="timeout"/>, whichever comes first.</summary>
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => signal.WaitAsync(timeout, cancellationToken);

    public void Wake(int loops)
    {
        if (signal.CurrentCount < loops)
        {
            signal.Release(loops);
        }
    }

    /// <summary>Listens until stopped, reconnecting after a lost connection.</summary>
    public async Task ListenAsync(int loops, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, _) => Wake(loops);
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}; LISTEN {ConsultationOutboxChannel.Name}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }
                // Whatever was committed while nobody listened is picked up now rather than at the next safety poll.
                Wake(loops);
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or IOException or TimeoutException)
            {
                BillingLog.WorkerFailed(logger, e);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    public void Dispose() => signal.Dispose();
}
