namespace Doctolib.Telehealth.EndToEnd.Tests.Support;

/// <summary>The browser contexts a world opened and nobody closed yet. A test that fails before its own
/// <c>Context.CloseAsync()</c> would otherwise leave its pages running (cameras, calls, reconnect loops) for the rest of
/// the suite, loading the machine for the tests after it; <see cref="BrowserTest"/> closes them after every test.</summary>
public sealed class OpenContexts
{
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(20);
    private readonly Lock gate = new();
    private readonly List<IBrowserContext> open = [];

    public IBrowserContext Track(IBrowserContext context)
    {
        lock (gate)
        {
            open.Add(context);
        }

        context.Close += (_, closed) =>
        {
            lock (gate)
            {
                open.Remove(closed);
            }
        };
        return context;
    }

    public async Task CloseAllAsync()
    {
        IBrowserContext[] left;
        lock (gate)
        {
            left = [.. open];
            open.Clear();
        }

        foreach (IBrowserContext context in left)
        {
            try
            {
                await context.CloseAsync().WaitAsync(CloseTimeout);
            }
            catch (Exception ex) when (ex is PlaywrightException or TimeoutException)
            {
                // Clean-up after a test: the browser may be gone already, and the test's own failure is what to report.
            }
        }
    }
}

/// <summary>Base of the browser test classes: after each test, whatever its outcome, closes the contexts it left open.</summary>
public abstract class BrowserTest(OpenContexts contexts) : IAsyncLifetime
{
    public Task InitializeAsync() => Task.CompletedTask;

    public Task DisposeAsync() => contexts.CloseAllAsync();
}
