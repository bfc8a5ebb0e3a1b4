// Types of 70-consume-job.mjs.
export interface JobResult {
  readonly by: number;
  readonly digest: string;
}

export function handleJob(data: { readonly n: number }, signal: AbortSignal): Promise<JobResult>;
