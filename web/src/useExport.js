// Every file the UI downloads is asked for with its purpose (the watermark of
// docs/API.md "Exports"): `downloadMarked` asks for it, then downloads.  An
// export with whole identities in more rows than the threshold answers 403
// export_approval_required: `downloadMarked` then offers to ask for it
// (POST /exports), and says "已提交审批" with a way to the approvals page.
import { ElMessage, ElMessageBox } from 'element-plus'
import 'element-plus/es/components/message/style/css'
import 'element-plus/es/components/message-box/style/css'
import { api, downloadFile, errorText } from './api.js'
import { DEFAULT_PURPOSE, purposeError } from './exportLabels.js'

// The purpose, asked in a small dialog; null when cancelled.
export async function askPurpose(title = '导出') {
  try {
    const { value } = await ElMessageBox.prompt(
      '请填写本次导出的用途。文件将带有水印（导出人、时间、用途），导出记录写入审计日志。',
      title,
      {
        inputValue: DEFAULT_PURPOSE,
        inputPlaceholder: '例如：季度数据核实',
        inputValidator: (v) => purposeError(v) || true,
        confirmButtonText: '导出',
        cancelButtonText: '取消',
        customClass: 'export-purpose',
      },
    )
    return value.trim()
  } catch {
    return null
  }
}

// Asks for a large export: `approval` is { kind, filters } of POST /exports.
async function askApproval(err, approval, purpose) {
  try {
    await ElMessageBox.confirm(`${err.message}。现在提交导出申请（用途：${purpose}）？`, '导出须经审批', {
      confirmButtonText: '提交申请',
      cancelButtonText: '取消',
      type: 'warning',
    })
  } catch {
    return null
  }
  const x = await api.post('/exports', { kind: approval.kind, filters: approval.filters || {}, purpose })
  ElMessage({
    offset: 60,
    type: 'success',
    showClose: true,
    duration: 6000,
    message: `已提交审批（第${x.id}号申请）。上级批准后，请在“导出审批”页面下载。`,
  })
  return x
}

/**
 * downloadMarked('/children/export', params, '儿童档案.xlsx', { kind: 'children', filters: params })
 * Returns 'downloaded', 'requested' (an approval was asked for) or null.
 */
export async function downloadMarked(path, params, fallbackName, approval, title) {
  const purpose = await askPurpose(title)
  if (!purpose) return null
  try {
    await downloadFile(path, { ...(params || {}), purpose }, fallbackName, { quiet: true })
    return 'downloaded'
  } catch (e) {
    if (e && e.code === 'export_approval_required' && approval) {
      try {
        return (await askApproval(e, approval, purpose)) ? 'requested' : null
      } catch {
        return null /* message already shown */
      }
    }
    ElMessage({ offset: 60, type: 'error', message: errorText(e), showClose: true, duration: 4000 })
    return null
  }
}
