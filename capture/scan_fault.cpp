#include "capture/scanner.h"

namespace xueji {

const char* fault_name(ScanFault f) {
  switch (f) {
    case ScanFault::Jammed: return "jammed";
    case ScanFault::CoverOpen: return "cover-open";
    case ScanFault::NoDocs: return "no-documents";
    case ScanFault::DeviceBusy: return "device-busy";
    case ScanFault::IoError: return "io-error";
    case ScanFault::AccessDenied: return "access-denied";
    case ScanFault::Disconnected: return "disconnected";
    case ScanFault::NoMemory: return "no-memory";
    case ScanFault::Invalid: return "invalid";
    case ScanFault::Other: return "error";
  }
  return "error";
}

std::string fault_message(ScanFault f) {
  switch (f) {
    case ScanFault::Jammed: return "paper jam in the scanner: clear the jam, put the unscanned sheets back and continue the job";
    case ScanFault::CoverOpen: return "the scanner cover is open: close it and continue the job";
    case ScanFault::NoDocs: return "the document feeder is empty: load the pages and continue the job";
    case ScanFault::DeviceBusy: return "the scanner is busy (in use by another program): wait and continue the job";
    case ScanFault::IoError: return "communication with the scanner failed: check the cable and power, then continue the job";
    case ScanFault::AccessDenied: return "access to the scanner was denied: check the user's permissions for the device";
    case ScanFault::Disconnected: return "the scanner is no longer available: reconnect it and continue the job";
    case ScanFault::NoMemory: return "the scanner ran out of memory: lower the resolution or scan fewer pages at once";
    case ScanFault::Invalid: return "the scanner refused the request: check the scan options";
    case ScanFault::Other: return "the scanner reported an error";
  }
  return "the scanner reported an error";
}

std::string fault_message_zh(ScanFault f) {
  switch (f) {
    case ScanFault::Jammed: return "扫描仪卡纸：请清除卡纸，将未扫描的纸张放回后继续任务";
    case ScanFault::CoverOpen: return "扫描仪盖板未关闭：请关好盖板后继续任务";
    case ScanFault::NoDocs: return "进纸器中没有纸张：请放入文件后继续任务";
    case ScanFault::DeviceBusy: return "扫描仪正忙（被其他程序占用）：请稍候再继续任务";
    case ScanFault::IoError: return "与扫描仪通信失败：请检查连接线和电源后继续任务";
    case ScanFault::AccessDenied: return "没有访问扫描仪的权限：请检查当前用户的设备权限";
    case ScanFault::Disconnected: return "扫描仪已断开：请重新连接后继续任务";
    case ScanFault::NoMemory: return "扫描仪内存不足：请降低分辨率或减少一次扫描的页数";
    case ScanFault::Invalid: return "扫描仪拒绝了请求：请检查扫描选项";
    case ScanFault::Other: return "扫描仪报告错误";
  }
  return "扫描仪报告错误";
}

}  // namespace xueji
