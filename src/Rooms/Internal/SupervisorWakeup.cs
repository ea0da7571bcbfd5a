namespace Doctolib.Telehealth.Rooms.Internal;

/// <summary>Tells the supervisor that this process just made timed work (a consultation started, a participant
/// dropped), so that an idle supervisor goes back to sweeping at once instead of at its next rest check.</summary>
internal sealed class SupervisorWakeup(TimeProvider time) : IDisposable
{
    private readonly SemaphoreSlim signal = new(0, 1);

    public void Wake()
    {
        try
        {
            signal.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken and not yet consumed: one wake-up is enough.
        }
    }

    /// <summary>Waits for a wake-up or until <paramref name="timeout"/> has passed on the injected clock; true when woken.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var elapsed = new CancellationTokenSource(timeout, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, elapsed.Token);
        try
        {
            await signal.WaitAsync(either.Token);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    public void Dispose() => signal.Dispose();
}
