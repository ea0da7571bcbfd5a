using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Doctolib.Telehealth.TestInfrastructure;

namespace Doctolib.Telehealth.EndToEnd.Tests.Support;

/// <summary>Headless Firefox ESR (Debian <c>firefox-esr</c>, the system binary: nothing is downloaded) in a fresh
/// profile with a fake camera and microphone, driven over WebDriver BiDi (Firefox's Remote Agent on a loopback port,
/// no geckodriver). Inside a namespace that has only <c>lo</c>, Firefox gathers no ICE candidate until the namespace has
/// a default route (it looks for the default route's source address), so <see cref="LaunchAsync"/> gives it one on
/// loopback for as long as the browser runs; nothing can leave the namespace all the same. One browser, one page (its first tab).</summary>
internal sealed class FirefoxBrowser : IAsyncDisposable
{
    public const string ExecutablePath = "/usr/bin/firefox-esr";
    private readonly Process process;
    private readonly DirectoryInfo profile;
    private readonly BiDiConnection connection;
    private readonly StringBuilder processOutput;
    private bool addedRoute;

    private FirefoxBrowser(Process process, DirectoryInfo profile, BiDiConnection connection, StringBuilder processOutput, string version, FirefoxPage page,
        bool addedRoute)
    {
        this.addedRoute = addedRoute;
        this.process = process;
        this.profile = profile;
        this.connection = connection;
        this.processOutput = processOutput;
        Version = version;
        Page = page;
    }

    /// <summary>"firefox 153.8.0esr", as the browser reports it in session.new.</summary>
    public string Version { get; }

    public FirefoxPage Page { get; }

    /// <summary>What Firefox printed (stdout and stderr), to explain a failure.</summary>
    public string ProcessOutput
    {
        get
        {
            lock (processOutput)
            {
                return processOutput.ToString();
            }
        }
    }

    /// <summary>Prefs for fake media without prompts, host candidates on loopback shown as raw addresses, no DNS, remote
    /// video allowed to play without a gesture, and no first-run or update traffic.</summary>
    public static IReadOnlyDictionary<string, object> Prefs { get; } = new Dictionary<string, object>
    {
        ["media.navigator.streams.fake"] = true,
        ["media.navigator.permission.disabled"] = true,
        ["media.peerconnection.ice.loopback"] = true,
        ["media.peerconnection.ice.obfuscate_host_addresses"] = false,
        ["network.dns.disabled"] = true,
        ["media.autoplay.default"] = 0,
        ["media.autoplay.blocking_policy"] = 0,
        ["browser.shell.checkDefaultBrowser"] = false,
        ["browser.startup.homepage_override.mstone"] = "ignore",
        ["datareporting.policy.dataSubmissionEnabled"] = false,
        ["toolkit.telemetry.reportingpolicy.firstRun"] = false,
        ["app.update.auto"] = false,
        ["app.update.disabledForTesting"] = true,
        ["network.captive-portal-service.enabled"] = false,
        ["network.connectivity-service.enabled"] = false,
        ["browser.safebrowsing.update.enabled"] = false,
        ["extensions.update.enabled"] = false,
    };

    public static async Task<FirefoxBrowser> LaunchAsync(CancellationToken cancellationToken)
    {
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"Firefox ESR is not installed ({ExecutablePath} is missing): run `bash scripts/install-deps.sh test` (Debian package firefox-esr).");
        }
        var addedRoute = await AddDefaultRouteOnLoopbackAsync(cancellationToken);
        var profile = Directory.CreateTempSubdirectory("e2e-firefox.");
        await File.WriteAllTextAsync(Path.Combine(profile.FullName, "user.js"), UserJs(), cancellationToken);
        var port = FreePorts.Tcp();
        var start = new ProcessStartInfo(ExecutablePath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--headless", "--no-remote", "--profile", profile.FullName,
                     "--remote-debugging-port", port.ToString(CultureInfo.InvariantCulture), "about:blank" })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["MOZ_CRASHREPORTER_DISABLE"] = "1";
        var output = new StringBuilder();
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }
            lock (output)
            {
                output.AppendLine(line);
            }
            const string marker = "WebDriver BiDi listening on ";
            var at = line.IndexOf(marker, StringComparison.Ordinal);
            if (at >= 0)
            {
                listening.TrySetResult(new Uri(line[(at + marker.Length)..].Trim().TrimEnd('/') + "/session"));
            }
        }
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => OnLine(e.Data);
        process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        process.Exited += (_, _) => listening.TrySetException(new InvalidOperationException($"Firefox exited with code {process.ExitCode}."));
        BiDiConnection? connection = null;
        try
        {
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var endpoint = await listening.Task.WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            connection = await BiDiConnection.ConnectAsync(endpoint, cancellationToken);
            var session = await connection.SendAsync("session.new", new JsonObject { ["capabilities"] = new JsonObject() }, cancellationToken);
            var capabilities = session.GetProperty("capabilities");
            var version = $"{capabilities.GetProperty("browserName").GetString()} {capabilities.GetProperty("browserVersion").GetString()}";
            var tree = await connection.SendAsync("browsingContext.getTree", new JsonObject { ["maxDepth"] = 0 }, cancellationToken);
            var context = tree.GetProperty("contexts")[0].GetProperty("context").GetString()!;
            var page = await FirefoxPage.AttachAsync(connection, context, cancellationToken);
            return new FirefoxBrowser(process, profile, connection, output, version, page, addedRoute);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (connection is not null)
            {
                await connection.DisposeAsync();
            }
            Stop(process);
            if (addedRoute)
            {
                await IpAsync(["route", "del", "default", "dev", "lo"], CancellationToken.None);
            }
            string printed;
            lock (output)
            {
                printed = output.ToString();
            }
            throw new InvalidOperationException(
                $"Firefox ESR ({ExecutablePath}) could not be started and driven over WebDriver BiDi on this machine: {e.Message}\nFirefox printed:\n{printed}", e);
        }
    }

    /// <summary>Adds <c>default dev lo src 127.0.0.1</c> to the namespace (only one whose one interface is lo) unless it
    /// has a default route already; returns whether it added one, so that <see cref="DisposeAsync"/> takes it away again
    /// and the Chromium tests that run after keep the namespace they were written for.</summary>
    public static async Task<bool> AddDefaultRouteOnLoopbackAsync(CancellationToken cancellationToken)
    {
        NetworkIsolation.Require();
        if ((await IpAsync(["route", "show", "default"], cancellationToken)).Trim().Length > 0)
        {
            return false;
        }
        await IpAsync(["route", "add", "default", "dev", "lo", "src", "127.0.0.1"], cancellationToken);
        return true;
    }

    private static async Task<string> IpAsync(string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("ip", arguments)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using var ip = Process.Start(start) ?? throw new InvalidOperationException("Cannot start ip (Debian package iproute2).");
        var output = ip.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = await ip.StandardError.ReadToEndAsync(cancellationToken);
        await ip.WaitForExitAsync(cancellationToken);
        if (ip.ExitCode != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', arguments)} failed (Firefox needs a default route on loopback for ICE): {error.Trim()}");
        }
        return await output;
    }

    private static string UserJs()
    {
        var text = new StringBuilder();
        foreach (var (name, value) in Prefs)
        {
            var literal = value switch
            {
                bool b => b ? "true" : "false",
                int i => i.ToString(CultureInfo.InvariantCulture),
                _ => JsonSerializer.Serialize(value.ToString()),
            };
            text.Append(CultureInfo.InvariantCulture, $"user_pref(\"{name}\", {literal});\n");
        }
        return text.ToString();
    }

    private static void Stop(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
        }
        process.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await connection.SendAsync("browser.close", [], timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException)
        {
        }
        await connection.DisposeAsync();
        Stop(process);
        try
        {
            profile.Delete(recursive: true);
        }
        catch (IOException)
        {
        }
        if (addedRoute)
        {
            addedRoute = false;
            await IpAsync(["route", "del", "default", "dev", "lo"], CancellationToken.None);
        }
    }
}
