// Camera and microphone: asking for them, listing them, and the microphone level meter.

export type DeviceProblem = "denied" | "no-device" | "in-use" | "insecure" | "other";

export class DeviceError extends Error {
  constructor(readonly problem: DeviceProblem) {
    super(problem);
  }
}

export async function openDevices(cameraId?: string, microphoneId?: string): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) throw new DeviceError("insecure");
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: microphoneId ? { deviceId: { exact: microphoneId } } : true,
      video: cameraId ? { deviceId: { exact: cameraId }, width: { ideal: 1280 }, height: { ideal: 720 } } : { width: { ideal: 1280 }, height: { ideal: 720 } },
    });
  } catch (error) {
    const name = error instanceof DOMException ? error.name : "";
    if (name === "NotAllowedError" || name === "SecurityError") throw new DeviceError("denied");
    if (name === "NotFoundError" || name === "OverconstrainedError") throw new DeviceError("no-device");
    if (name === "NotReadableError" || name === "AbortError") throw new DeviceError("in-use");
    throw new DeviceError("other");
  }
}

export async function listDevices(): Promise<{ cameras: MediaDeviceInfo[]; microphones: MediaDeviceInfo[] }> {
  const all = await navigator.mediaDevices.enumerateDevices();
  return {
    cameras: all.filter((d) => d.kind === "videoinput"),
    microphones: all.filter((d) => d.kind === "audioinput"),
  };
}

export function stopStream(stream: MediaStream | null | undefined): void {
  stream?.getTracks().forEach((t) => t.stop());
}

/** Drives a <meter>-like element from the microphone's loudness (0-100). */
export class LevelMeter {
  private context: AudioContext | null = null;
  private frame = 0;

  constructor(private readonly onLevel: (level: number) => void) {}

  attach(stream: MediaStream): void {
    this.detach();
    if (stream.getAudioTracks().length === 0) return;
    const context = new AudioContext();
    const source = context.createMediaStreamSource(stream);
    const analyser = context.createAnalyser();
    analyser.fftSize = 512;
    source.connect(analyser);
    this.context = context;
    const samples = new Float32Array(analyser.fftSize);
    const tick = () => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const s of samples) sum += s * s;
      const rms = Math.sqrt(sum / samples.length);
      this.onLevel(Math.min(100, Math.round(rms * 400)));
      this.frame = requestAnimationFrame(tick);
    };
    void context.resume();
    tick();
  }

  detach(): void {
    cancelAnimationFrame(this.frame);
    void this.context?.close();
    this.context = null;
  }
}
