using System.Diagnostics;
using System.Net;

namespace Doctolib.Telehealth.TestInfrastructure;

/// <summary>Waits for a server started as a child process to be ready: <c>GET /readyz</c> answers 200 (the database is
/// reachable). A process that exits meanwhile, or the bound passing, fails with its console output.</summary>
public static class ServerReadiness
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    /// <param name="name">What the error messages call the server ("The server", "Node b").</param>
    /// <param name="output">The process's console output so far, to explain a failure.</param>
    public static async Task WaitAsync(Uri baseAddress, Process process, string name, Func<string> output, TimeSpan within,
        CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < within)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{name} exited with code {process.ExitCode}:\n{output()}");
            }
            try
            {
                using var response = await http.GetAsync("/readyz", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // That probe took longer than its 2 s: probe again.
            }
            await Task.Delay(Poll, cancellationToken);
        }
        throw new TimeoutException($"{name} was not ready in {within.TotalSeconds:0} s:\n{output()}");
    }
}
