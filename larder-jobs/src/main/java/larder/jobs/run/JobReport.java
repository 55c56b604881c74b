package larder.jobs.run;

import larder.core.BatchInfo;

/** What one job run did: the batch it published and a short summary to print. */
public sealed interface JobReport permits RunReport, SegmentsReport, ImportReport, RefreshReport {
  String job();

  BatchInfo batch();

  /** A short multi-line summary of the run. */
  String summary();
}
