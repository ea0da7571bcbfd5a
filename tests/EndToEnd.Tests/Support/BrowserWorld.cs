using System.Net.Http.Headers;
using System.Net.Http.Json;
using Doctolib.Telehealth.TestInfrastructure;

namespace Doctolib.Telehealth.EndToEnd.Tests.Support;

/// <summary>What every browser test shares: a fresh database, the server on 127.0.0.1, and headless Chromium with a
/// fake camera and microphone. Each test opens its own browser contexts (one per person).</summary>
public sealed class BrowserWorld : IAsyncLifetime
{
    public static readonly TimeSpan Step = TimeSpan.FromSeconds(30);
    private ServerProcess? server;
    private IPlaywright? playwright;
    private HttpClient? http;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Contexts opened by <see cref="NewPersonAsync"/> and not closed yet.</summary>
    public OpenContexts Contexts { get; } = new();

    public Uri BaseAddress => server!.BaseAddress;

    public int MediaPort => server!.MediaPort;

    public string ServerOutput => server?.Output ?? "";

    /// <summary>The server's audio-only and quality log lines (event ids 3100–3104: video paused or resumed, a weak uplink),
    /// for a failure message that must say whether the server held the video on purpose.</summary>
    public string MediaQualityLog() =>
        string.Join('\n', ServerOutput.Split('\n').Where(line => line.Contains("\"Id\":310", StringComparison.Ordinal)));

    public static string ScreenshotFolder { get; } = Path.Combine(AppContext.BaseDirectory, "screenshots");

    internal static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
        "--allow-loopback-in-peer-connection", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic", "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
        "--autoplay-policy=no-user-gesture-required",
    ];

    public async Task InitializeAsync()
    {
        NetworkIsolation.Require();
        Directory.CreateDirectory(ScreenshotFolder);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var postgres = await PostgresServer.GetAsync(timeout.Token);
        var database = await postgres.CreateDatabaseAsync("e2e").WaitAsync(timeout.Token);
        server = await ServerProcess.StartAsync(database, timeout.Token);
        http = new HttpClient { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
        playwright = await Playwright.CreateAsync().WaitAsync(timeout.Token);
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ChromiumArgs,
            Timeout = 60_000,
        }).WaitAsync(timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
        playwright?.Dispose();
        http?.Dispose();
        if (server is not null)
        {
            await server.DisposeAsync();
        }
    }

    public async Task<string> TokenAsync(string subject, string role)
    {
        using var response = await http!.PostAsJsonAsync("/dev/tokens", new { sub = subject, role }).WaitAsync(Step);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<TokenResponse>().WaitAsync(Step);
        return body!.Token;
    }

    /// <summary>Schedules an appointment that starts now (or at <paramref name="startsAt"/>), as the scheduling system would.</summary>
    public async Task<Guid> CreateAppointmentAsync(string practitioner, string patient, string patientName, string paymentMethod = "pm_card_visa",
        DateTimeOffset? startsAt = null, string? practitionerName = null)
    {
        var id = Guid.NewGuid();
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/api/appointments/{id}")
        {
            Content = JsonContent.Create(new
            {
                practitionerId = practitioner,
                patientId = patient,
                patientName,
                practitionerName,
                startsAt = startsAt ?? DateTimeOffset.UtcNow,
                durationMinutes = 20,
                price = new { amount = 2500, currency = "EUR" },
                payer = new { type = "card", stripeCustomerId = "cus_e2e", paymentMethodId = paymentMethod },
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await TokenAsync("e2e-scheduler", "scheduler"));
        using var response = await http!.SendAsync(request).WaitAsync(Step);
        response.EnsureSuccessStatusCode();
        return id;
    }

    /// <summary>A fresh browser context (its own storage, like another person's computer) with camera and microphone allowed.</summary>
    public async Task<IPage> NewPersonAsync(string locale = "en-GB", bool allowDevices = true)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = BaseAddress.ToString(),
            Locale = locale,
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
            Permissions = allowDevices ? ["camera", "microphone"] : [],
        }).WaitAsync(Step);
        Contexts.Track(context);
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync().WaitAsync(Step);
        return page;
    }

    public static async Task ScreenshotAsync(IPage page, string name) =>
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, name + ".png"), FullPage = true }).WaitAsync(Step);

    private sealed record TokenResponse(string Token);
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserWorld>
{
    public const string Name = "browser";
}
